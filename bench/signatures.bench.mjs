// Verification throughput of every signature scheme: verifyWebhook (what `webhooks verify` and the listener call)
// on a valid ~2 KB request, per second of this process's CPU time. Each scheme is timed in short slices alternating
// with Stripe's, and its ratio is the median of the per-pair ratios, so that a busy machine's ups and downs hit both
// sides alike. Goal: each HMAC scheme within 0.8 of Stripe's rate; Ed25519 (discord) and ECDSA P-256 (sendgrid) are
// reported, with no goal: a public-key check costs what the curve costs.
import { generateKeyPairSync } from 'node:crypto';
import { median } from './stats.mjs';

const { PROVIDERS, signRequest, verifyWebhook } = await import('../dist/adapters/webhooks/index.js');
const SLICE_MS = Number(process.env.BENCH_SIG_SLICE_MS ?? 20);
const PAIRS = Number(process.env.BENCH_SIG_PAIRS ?? 15);
const NOW = Math.floor(Date.now() / 1000);
const URL = 'https://example.com/webhooks/in?tenant=eu';
const ASYMMETRIC = { discord: 'Ed25519', sendgrid: 'ECDSA P-256' };

const item = (i) => ({ id: `li_${i}`, description: `Artikel ${i} — Größe M`, quantity: i, amount: 1999 * i, currency: 'eur' });
const json = JSON.stringify({ id: 'evt_1', type: 'payment_intent.succeeded', created: NOW, data: { object: { id: 'pi_1', items: Array.from({ length: 18 }, (_, i) => item(i)) } }, webhookTimestamp: NOW * 1000 });
const form = Object.entries({ MessageSid: 'SM1', From: '+41791234567', To: '+4930123456789', Body: 'x'.repeat(1800), NumMedia: '0' })
  .map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join('&');
const pairs = { discord: generateKeyPairSync('ed25519'), sendgrid: generateKeyPairSync('ec', { namedCurve: 'prime256v1' }) };
const secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';

const ONLY = process.env.BENCH_SIG_ONLY?.split(',');
const cases = PROVIDERS.filter((p) => !ONLY || p === 'stripe' || ONLY.includes(p)).map((provider) => {
  const body = Buffer.from(provider === 'twilio' ? form : json);
  const headers = { 'content-type': provider === 'twilio' ? 'application/x-www-form-urlencoded' : 'application/json' };
  const signed = signRequest({ provider, body, secret, timestampSec: NOW, url: URL, headers, privateKey: pairs[provider]?.privateKey });
  const options = { provider, body: signed.body ?? body, headers: { ...headers, ...signed.headers }, secret, url: signed.url ?? URL, nowSec: NOW, publicKey: pairs[provider]?.publicKey };
  if (!verifyWebhook(options).valid) throw new Error(`${provider}: the bench request does not verify`);
  return { provider, options };
});

/**
 * Verifications per second of this process's CPU time over one slice: CPU time, not wall time, so that the moments
 * the machine gives to other processes count for neither side.
 */
function slice(options) {
  const end = performance.now() + SLICE_MS;
  const cpu = process.cpuUsage();
  let n = 0;
  while (performance.now() < end) {
    for (let i = 0; i < 20; i++) verifyWebhook(options);
    n += 20;
  }
  const used = process.cpuUsage(cpu);
  return (n / (used.user + used.system)) * 1e6;
}

const stripeCase = cases.find((c) => c.provider === 'stripe');
for (let i = 0; i < 5; i++) for (const c of cases) slice(c.options);
let missed = 0;
console.log(`verification of a valid ~2 KB webhook, per second of CPU time: median of ${PAIRS} ${SLICE_MS} ms slices alternating with Stripe's (stripe = 1.00)`);
for (const c of cases) {
  const ratios = [];
  const rates = [];
  for (let i = 0; i < PAIRS; i++) {
    const base = slice(stripeCase.options);
    const own = slice(c.options);
    ratios.push(own / base);
    rates.push(own);
  }
  const ratio = median(ratios);
  const curve = ASYMMETRIC[c.provider];
  if (!curve && ratio < 0.8) missed += 1;
  const goal = curve ? `reported (${curve}, no goal)` : `goal >= 0.80: ${ratio >= 0.8 ? 'met' : 'MISSED'}`;
  console.log(`  ${c.provider.padEnd(9)} ${Math.round(median(rates)).toLocaleString('en-US').padStart(9)} /s  ratio ${ratio.toFixed(2)}  ${goal}`);
}
if (missed) console.log(`${missed} HMAC scheme(s) below 0.8 of Stripe's rate`);

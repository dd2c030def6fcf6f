// starkbank-ecdsa (SendGrid's verifier's ECDSA library, used by tests as an independent signer) ships no types.
declare module 'starkbank-ecdsa';
declare module 'starkbank-ecdsa/ellipticcurve/curve.js';

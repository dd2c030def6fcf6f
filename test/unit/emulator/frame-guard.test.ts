import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FrameGuard } from '../../../src/emulator/frame-guard.js';

/** Frames as a client writes them: 8-byte header (size, doff 2, type, channel), then a described performative. */
function frame(code: number, bodyLength: number, type = 0): Buffer {
  const out = Buffer.alloc(8 + 3 + bodyLength, 0x45);
  out.writeUInt32BE(out.length, 0);
  out[4] = 2;
  out[5] = type;
  out.writeUInt16BE(0, 6);
  out[8] = 0x00;
  out[9] = 0x53;
  out[10] = code;
  return out;
}
const HEADER = Buffer.from('AMQP\x00\x01\x00\x00', 'latin1');
const HEARTBEAT = Buffer.from([0, 0, 0, 8, 2, 0, 0, 0]);

const validStream = fc
  .array(fc.oneof(fc.tuple(fc.integer({ min: 0x10, max: 0x18 }), fc.nat(40)).map(([c, n]) => frame(c, n)), fc.constant(HEARTBEAT)), { maxLength: 10 })
  .map((frames) => Buffer.concat([HEADER, ...frames]));

/** Feeds a stream in chunks cut at the given points; returns where the first problem is, in stream offsets. */
function firstProblem(stream: Buffer, cuts: number[], guard = new FrameGuard(1024)): number | undefined {
  const points = [...new Set(cuts.map((c) => c % (stream.length + 1)))].sort((a, b) => a - b);
  let from = 0;
  for (const to of [...points, stream.length]) {
    const problem = guard.scan(stream.subarray(from, to));
    if (problem) return from + problem.at;
    from = to;
  }
  return undefined;
}

describe('FrameGuard', () => {
  it('passes any stream of sound frames, however it is cut into chunks', () => {
    fc.assert(fc.property(validStream, fc.array(fc.nat()), (stream, cuts) => {
      expect(firstProblem(stream, cuts)).toBeUndefined();
    }));
  });

  it('stops at a bad frame, after every sound frame before it, however the stream is cut', () => {
    const bad = [
      Buffer.from([0, 0, 0, 4, 2, 0, 0, 0]), // size under 8
      Buffer.from([0, 0, 0x10, 0, 2, 0, 0, 0]), // 4 KiB, over this guard's 1 KiB
      frame(0x30, 2), // unknown performative
      frame(0x10, 2, 7), // unknown frame type
    ];
    fc.assert(
      fc.property(validStream, fc.constantFrom(...bad), fc.array(fc.nat()), (stream, badFrame, cuts) => {
        const whole = Buffer.concat([stream, badFrame, frame(0x10, 4)]);
        const at = firstProblem(whole, cuts)!;
        // Every sound frame before it is passed on; when a chunk boundary falls inside the bad frame's first
        // bytes, those already went to rhea (which only buffers a partial frame) and the cut is that boundary.
        expect(at).toBeGreaterThanOrEqual(stream.length);
        expect(at).toBeLessThanOrEqual(stream.length + 11);
        expect(firstProblem(whole, [])).toBe(stream.length);
      }),
    );
  });
});

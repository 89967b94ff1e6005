import { createHash } from 'node:crypto';
import { uniformFloat64 } from 'pure-rand/distribution/uniformFloat64';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';

/**
 * Where the sampler's chance comes from: a value in [0, 1) for the item named by `key`. Injected,
 * so a test or a simulation replays exactly the same draws from a seed.
 */
export type RandomSource = (key: string) => number;

/**
 * A seeded sequence (pure-rand's xoroshiro128+): the n-th call gives the n-th draw of the seed,
 * whatever the key. For simulations and tests: the same seed replays the same run.
 */
export function seededRandom(seed: number): RandomSource {
  const rng = xoroshiro128plus(seed);
  return () => uniformFloat64(rng);
}

/**
 * The service's source: the draw is a function of the seed and the item's key (53 bits of
 * sha256(seed, key)), so the same autopilot reply or solve event always gets the same draw. A job
 * retried after its sampling step, or run again for the thread, decides exactly as the first run did.
 */
export function keyedRandom(seed: string): RandomSource {
  return (key) => {
    const digest = createHash('sha256').update(seed).update('\u0000').update(key).digest();
    // 21 high bits and 32 low bits: an integer below 2**53, divided by 2**53.
    return ((digest.readUInt32BE(0) >>> 11) * 2 ** 32 + digest.readUInt32BE(4)) / 2 ** 53;
  };
}

using System.Runtime.CompilerServices;

namespace ChainTrace.Synthetic;

/// <summary>
/// xoshiro256** seeded through SplitMix64. Integer-only, so the same seed draws the same numbers on every
/// platform and runtime (System.Random's algorithm is not a compatibility promise, floating point may differ).
/// </summary>
internal sealed class SynthRandom
{
    private ulong _s0, _s1, _s2, _s3;

    /// <summary>Creates a generator for a seed and a stream number (independent streams per purpose).</summary>
    public SynthRandom(int seed, ulong stream)
    {
        ulong x = ((ulong)(uint)seed << 32) ^ (stream * 0xA0761D6478BD642FUL) ^ 0x5DEECE66DUL;
        _s0 = SplitMix(ref x);
        _s1 = SplitMix(ref x);
        _s2 = SplitMix(ref x);
        _s3 = SplitMix(ref x);
    }

    /// <summary>One SplitMix64 step.</summary>
    public static ulong SplitMix(ref ulong state)
    {
        ulong z = state += 0x9E3779B97F4A7C15UL;
        return Mix(z);
    }

    /// <summary>SplitMix64's finaliser: a good 64-bit mixing function.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>Next 64 random bits.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ulong NextULong()
    {
        ulong result = ulong.RotateLeft(_s1 * 5, 7) * 9;
        ulong t = _s1 << 17;
        _s2 ^= _s0;
        _s3 ^= _s1;
        _s1 ^= _s2;
        _s0 ^= _s3;
        _s2 ^= t;
        _s3 = ulong.RotateLeft(_s3, 45);
        return result;
    }

    /// <summary>Uniform in [0, n) for n ≥ 1 (Lemire's multiply-shift; the tiny bias is irrelevant here).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int Next(int n) => (int)(((NextULong() >> 32) * (ulong)(uint)n) >> 32);

    /// <summary>Uniform in [lo, hi] inclusive.</summary>
    public int Between(int lo, int hi) => lo + Next(hi - lo + 1);

    /// <summary>Uniform in [0, n) for a 64-bit n ≥ 1.</summary>
    public long NextLong(long n) => (long)Math.BigMul(NextULong(), (ulong)n, out _);

    /// <summary>True with probability <paramref name="percent"/>/100.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool Chance(int percent) => Next(100) < percent;

    /// <summary>
    /// A heavily skewed index in [0, n): the product of three uniforms, so a few low indices are drawn very
    /// often and the tail rarely (a power-law-like activity profile).
    /// </summary>
    public int Skewed(int n)
    {
        ulong a = NextULong() >> 43, b = NextULong() >> 43, c = NextULong() >> 43; // 21 bits each
        ulong p = (a * b >> 21) * c >> 21; // 21-bit fixed point product
        return (int)((p * (ulong)(uint)n) >> 21);
    }

    /// <summary>A mildly skewed index in [0, n): the product of two uniforms.</summary>
    public int MildlySkewed(int n)
    {
        ulong a = NextULong() >> 43, b = NextULong() >> 43;
        ulong p = a * b >> 21;
        return (int)((p * (ulong)(uint)n) >> 21);
    }

    /// <summary>
    /// A token amount in base units (6 decimals): a log-uniform-ish whole-dollar magnitude from 1 to ~2M USDT
    /// (triangular binary exponent centred on ~1,000 USDT) plus random cents.
    /// </summary>
    public long TokenAmount()
    {
        int e = Next(11) + Next(11); // 0..20, triangular around 10
        long dollars = (1L << e) + NextLong(1L << e);
        return dollars * 1_000_000 + NextLong(1_000_000);
    }

    /// <summary>A native gas top-up in wei: 0.002 to 0.02 ETH.</summary>
    public long GasAmount() => 2_000_000_000_000_000L + NextLong(18_000_000_000_000_000L);
}

using Nethereum.Util;

namespace ChainTrace.Primitives;

/// <summary>Keccak-256 (Ethereum's SHA-3 variant), delegated to Nethereum.Util. Used on cold paths only.</summary>
public static class Keccak256
{
    /// <summary>Hashes <paramref name="data"/> into a 32-byte <paramref name="destination"/>.</summary>
    public static void Hash(ReadOnlySpan<byte> data, Span<byte> destination)
    {
        byte[] h = Sha3Keccack.Current.CalculateHash(data.ToArray());
        h.AsSpan(0, 32).CopyTo(destination);
    }
}

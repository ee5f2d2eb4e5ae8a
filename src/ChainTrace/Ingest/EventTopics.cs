using System.Text;
using ChainTrace.Primitives;

namespace ChainTrace.Ingest;

/// <summary>topic0 of the events we decode, computed once from their signatures.</summary>
public static class EventTopics
{
    /// <summary>Transfer(address,address,uint256).</summary>
    public static readonly Hash32 Transfer = Of("Transfer(address,address,uint256)");
    /// <summary>Approval(address,address,uint256).</summary>
    public static readonly Hash32 Approval = Of("Approval(address,address,uint256)");
    /// <summary>USDT Issue(uint256).</summary>
    public static readonly Hash32 Issue = Of("Issue(uint256)");
    /// <summary>USDT Redeem(uint256).</summary>
    public static readonly Hash32 Redeem = Of("Redeem(uint256)");
    /// <summary>USDT AddedBlackList(address).</summary>
    public static readonly Hash32 AddedBlackList = Of("AddedBlackList(address)");
    /// <summary>USDT RemovedBlackList(address).</summary>
    public static readonly Hash32 RemovedBlackList = Of("RemovedBlackList(address)");
    /// <summary>USDT DestroyedBlackFunds(address,uint256).</summary>
    public static readonly Hash32 DestroyedBlackFunds = Of("DestroyedBlackFunds(address,uint256)");

    private static Hash32 Of(string signature)
    {
        Span<byte> h = stackalloc byte[32];
        Keccak256.Hash(Encoding.ASCII.GetBytes(signature), h);
        return new Hash32(h);
    }
}

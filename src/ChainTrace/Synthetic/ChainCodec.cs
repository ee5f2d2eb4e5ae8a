using System.Runtime.CompilerServices;
using System.Text;
using ChainTrace.Ingest;
using ChainTrace.Primitives;

namespace ChainTrace.Synthetic;

/// <summary>
/// Turns the simulation's dense ids into chain bytes: addresses derived from (seed, id) by a mixing function,
/// block and transaction hashes derived from (seed, block, index), topic and selector constants.
/// </summary>
internal sealed class ChainCodec
{
    /// <summary>Id of the token contract.</summary>
    public const int Contract = -1;
    /// <summary>Id of the zero address.</summary>
    public const int Zero = -2;
    /// <summary>Id of the block producer.</summary>
    public const int Miner = -3;

    private readonly ulong _addressKey;
    private readonly ulong _hashKey;
    private readonly byte[] _contractHex = new byte[40];
    private readonly byte[] _minerHex = new byte[40];
    private readonly byte[]? _treasuryHex;
    private readonly int _treasuryId;

    /// <summary>Creates the codec for a seed and profile; the treasury id prints as the profile's issuer when known.</summary>
    public ChainCodec(int seed, ChainProfile profile, int treasuryId)
    {
        ulong s = (ulong)(uint)seed * 0xD6E8FEB86659FD93UL;
        _addressKey = SynthRandom.Mix(s ^ 0x243F6A8885A308D3UL);
        _hashKey = SynthRandom.Mix(s ^ 0x13198A2E03707344UL);
        Profile = profile;
        Token = profile.DefaultToken;
        _treasuryId = treasuryId;
        Span<byte> b = stackalloc byte[20];
        Token.Contract.WriteTo(b);
        Utf8Sink.HexBytes(b, _contractHex);
        if (Token.Issuer is { } issuer)
        {
            _treasuryHex = new byte[40];
            issuer.WriteTo(b);
            Utf8Sink.HexBytes(b, _treasuryHex);
        }
        WriteDerived(int.MaxValue, _minerHex);
        BlockSeconds = profile.TimestampsInMilliseconds ? 3 : 12;
    }

    /// <summary>The chain profile.</summary>
    public ChainProfile Profile { get; }

    /// <summary>The token (the profile's default, USDT).</summary>
    public TokenInfo Token { get; }

    /// <summary>Seconds between blocks (12 on Ethereum, 3 on TRON).</summary>
    public int BlockSeconds { get; }

    /// <summary>True when the profile has a known issuer: issuance is a USDT Issue log, otherwise a mint Transfer from 0.</summary>
    public bool HasIssuer => _treasuryHex is not null;

    /// <summary>Transfer topic0 as 64 hex digits.</summary>
    public static readonly byte[] TransferTopic = TopicHex(EventTopics.Transfer);
    /// <summary>Approval topic0.</summary>
    public static readonly byte[] ApprovalTopic = TopicHex(EventTopics.Approval);
    /// <summary>Issue topic0.</summary>
    public static readonly byte[] IssueTopic = TopicHex(EventTopics.Issue);
    /// <summary>AddedBlackList topic0.</summary>
    public static readonly byte[] AddedBlackListTopic = TopicHex(EventTopics.AddedBlackList);

    /// <summary>transfer(address,uint256) selector, 8 hex digits.</summary>
    public static readonly byte[] TransferSelector = Selector("transfer(address,uint256)");
    /// <summary>transferFrom(address,address,uint256).</summary>
    public static readonly byte[] TransferFromSelector = Selector("transferFrom(address,address,uint256)");
    /// <summary>approve(address,uint256).</summary>
    public static readonly byte[] ApproveSelector = Selector("approve(address,uint256)");
    /// <summary>issue(uint256).</summary>
    public static readonly byte[] IssueSelector = Selector("issue(uint256)");
    /// <summary>addBlackList(address).</summary>
    public static readonly byte[] AddBlackListSelector = Selector("addBlackList(address)");
    /// <summary>The synthetic bridge's deposit(address token, uint256 amount).</summary>
    public static readonly byte[] BridgeDepositSelector = Selector("deposit(address,uint256)");
    /// <summary>The synthetic bridge's release(address to, uint256 amount).</summary>
    public static readonly byte[] BridgeReleaseSelector = Selector("release(address,uint256)");

    /// <summary>Writes an address id as 40 lower-case hex digits.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void WriteAddressHex(int id, Span<byte> dst40)
    {
        if (id >= 0 && (id != _treasuryId || _treasuryHex is null)) WriteDerived(id, dst40);
        else WriteSpecial(id, dst40);
    }

    private void WriteSpecial(int id, Span<byte> dst40)
    {
        switch (id)
        {
            case Contract: _contractHex.CopyTo(dst40); break;
            case Zero: dst40[..40].Fill((byte)'0'); break;
            case Miner: _minerHex.CopyTo(dst40); break;
            default:
                if (id == _treasuryId && _treasuryHex is not null) _treasuryHex.CopyTo(dst40);
                else throw new ArgumentOutOfRangeException(nameof(id));
                break;
        }
    }

    private void WriteDerived(int id, Span<byte> dst40)
    {
        ulong x = _addressKey ^ ((ulong)(uint)id * 0x9E3779B97F4A7C15UL);
        Utf8Sink.Hex16(SynthRandom.Mix(x + 0x6A09E667F3BCC908UL), dst40);
        Utf8Sink.Hex16(SynthRandom.Mix(x + 0xBB67AE8584CAA73BUL), dst40[16..]);
        Utf8Sink.Hex8((uint)SynthRandom.Mix(x + 0x3C6EF372FE94F82BUL), dst40[32..]);
    }

    /// <summary>The address of an id (cold paths: labels, ground truth).</summary>
    public Address GetAddress(int id)
    {
        Span<byte> hex = stackalloc byte[40];
        WriteAddressHex(id, hex);
        Address.TryParseHexDigits(hex, out var a);
        return a;
    }

    /// <summary>Lower-case 0x hex of an id.</summary>
    public string Hex(int id)
    {
        Span<byte> hex = stackalloc byte[40];
        WriteAddressHex(id, hex);
        return "0x" + Encoding.ASCII.GetString(hex);
    }

    /// <summary>The address of an id printed the profile's way (checksummed hex or TRON base58).</summary>
    public string Display(int id) => Profile.Format(GetAddress(id));

    /// <summary>Writes a 32-byte hash derived from (kind, a, b) as 64 hex digits.</summary>
    public void WriteHash(ulong kind, ulong a, ulong b, Span<byte> dst64)
    {
        ulong x = _hashKey ^ (kind * 0xA24BAED4963EE407UL) ^ (a * 0x9FB21C651E98DF25UL) ^ SynthRandom.Mix(b + 0xC13FA9A902A6328FUL);
        Utf8Sink.Hex16(SynthRandom.Mix(x + 1), dst64);
        Utf8Sink.Hex16(SynthRandom.Mix(x + 2), dst64[16..]);
        Utf8Sink.Hex16(SynthRandom.Mix(x + 3), dst64[32..]);
        Utf8Sink.Hex16(SynthRandom.Mix(x + 4), dst64[48..]);
    }

    /// <summary>Block hash.</summary>
    public void WriteBlockHash(ulong block, Span<byte> dst64) => WriteHash(1, block, 0, dst64);

    /// <summary>Transaction hash.</summary>
    public void WriteTxHash(ulong block, int txIndex, Span<byte> dst64) => WriteHash(2, block, (ulong)txIndex, dst64);

    /// <summary>Timestamp as the profile's APIs report it (milliseconds on TRON).</summary>
    public long OutputTimestamp(long unixSeconds) => Profile.TimestampsInMilliseconds ? unixSeconds * 1000 : unixSeconds;

    private static byte[] TopicHex(Hash32 topic)
    {
        Span<byte> b = stackalloc byte[32];
        topic.WriteTo(b);
        var hex = new byte[64];
        Utf8Sink.HexBytes(b, hex);
        return hex;
    }

    private static byte[] Selector(string signature)
    {
        Span<byte> h = stackalloc byte[32];
        Keccak256.Hash(Encoding.ASCII.GetBytes(signature), h);
        var hex = new byte[8];
        Utf8Sink.HexBytes(h[..4], hex);
        return hex;
    }

}

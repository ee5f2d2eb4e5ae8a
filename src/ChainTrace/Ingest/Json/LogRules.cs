using System.Runtime.CompilerServices;
using ChainTrace.Primitives;

namespace ChainTrace.Ingest.Json;

/// <summary>
/// What a log means, from its topics and data alone (the rules every decoder shares):
/// <list type="bullet">
/// <item>Transfer with 3 topics + 32 data bytes, or 1 topic + 96 data bytes (from, to, value in data): ERC-20 transfer.</item>
/// <item>Transfer with 4 topics: ERC-721 (a token id, never an amount), skipped as <see cref="SkipReason.Erc721"/>.</item>
/// <item>Any other Transfer shape, or an address word whose upper 12 bytes are not zero: skipped as malformed.</item>
/// <item>Approval with 3 topics + 32 data bytes (owner, spender, value); other Approval shapes (ERC-721's has 4 topics) are <see cref="SkipReason.OtherEvent"/>.</item>
/// <item>USDT Issue/Redeem: 1 topic + 32 data bytes; AddedBlackList/RemovedBlackList: 1 topic + the user in data;
/// DestroyedBlackFunds: 1 topic + user and amount in data. Other shapes of these: <see cref="SkipReason.OtherEvent"/>.</item>
/// </list>
/// </summary>
internal static class LogRules
{
    /// <summary>Largest data we decode: Transfer with 1 topic carries 3 words.</summary>
    public const int MaxDecodedData = 96;

    /// <summary>Most topics a log can have (LOG0..LOG4).</summary>
    public const int MaxTopics = 4;

    /// <summary>
    /// Classifies a log. <paramref name="topics"/> holds <paramref name="topicCount"/> 32-byte topics;
    /// <paramref name="data"/> holds the decoded data when <paramref name="dataLength"/> ≤ <see cref="MaxDecodedData"/>.
    /// On success fills Kind, From, To and Amount of <paramref name="ev"/> and returns true.
    /// </summary>
    public static bool TryClassify(ReadOnlySpan<byte> topics, int topicCount, ReadOnlySpan<byte> data, int dataLength, bool tron, ref TokenEvent ev, out SkipReason reason)
    {
        reason = SkipReason.OtherEvent;
        if (topicCount == 0) return false;
        var topic0 = new Hash32(topics[..32]);
        if (topic0 == EventTopics.Transfer)
        {
            reason = SkipReason.MalformedTransferShape;
            if (topicCount == 3 && dataLength == 32)
            {
                if (!TryWord(topics.Slice(32, 32), tron, out ev.From) || !TryWord(topics.Slice(64, 32), tron, out ev.To)) return false;
                ev.Amount = UInt256.ReadBigEndian(data[..32]);
            }
            else if (topicCount == 1 && dataLength == 96)
            {
                if (!TryWord(data[..32], tron, out ev.From) || !TryWord(data.Slice(32, 32), tron, out ev.To)) return false;
                ev.Amount = UInt256.ReadBigEndian(data.Slice(64, 32));
            }
            else
            {
                if (topicCount == 4) reason = SkipReason.Erc721;
                return false;
            }
            ev.Kind = TokenEventKind.Transfer;
            return true;
        }
        if (topic0 == EventTopics.Approval)
        {
            if (topicCount != 3 || dataLength != 32) return false;
            if (!TryWord(topics.Slice(32, 32), tron, out ev.From) || !TryWord(topics.Slice(64, 32), tron, out ev.To)) return false;
            ev.Amount = UInt256.ReadBigEndian(data[..32]);
            ev.Kind = TokenEventKind.Approval;
            return true;
        }
        if (topicCount != 1) return false;
        if (topic0 == EventTopics.Issue || topic0 == EventTopics.Redeem)
        {
            if (dataLength != 32) return false;
            ev.From = default;
            ev.To = default;
            ev.Amount = UInt256.ReadBigEndian(data[..32]);
            ev.Kind = topic0 == EventTopics.Issue ? TokenEventKind.Issue : TokenEventKind.Redeem;
            return true;
        }
        if (topic0 == EventTopics.AddedBlackList || topic0 == EventTopics.RemovedBlackList)
        {
            if (dataLength != 32 || !TryWord(data[..32], tron, out ev.From)) return false;
            ev.To = default;
            ev.Amount = default;
            ev.Kind = topic0 == EventTopics.AddedBlackList ? TokenEventKind.AddedBlackList : TokenEventKind.RemovedBlackList;
            return true;
        }
        if (topic0 == EventTopics.DestroyedBlackFunds)
        {
            if (dataLength != 64 || !TryWord(data[..32], tron, out ev.From)) return false;
            ev.To = default;
            ev.Amount = UInt256.ReadBigEndian(data.Slice(32, 32));
            ev.Kind = TokenEventKind.DestroyedBlackFunds;
            return true;
        }
        return false;
    }

    /// <summary>
    /// An address in a 32-byte ABI word: the last 20 bytes; the upper 12 must be zero, except that on TRON byte 11
    /// may hold the 0x41 address prefix.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool TryWord(ReadOnlySpan<byte> word, bool tron, out Address address)
    {
        bool upperZero = word[..11].IndexOfAnyExcept((byte)0) < 0 && (word[11] == 0 || (tron && word[11] == 0x41));
        address = upperZero ? new Address(word[12..32]) : default;
        return upperZero;
    }
}

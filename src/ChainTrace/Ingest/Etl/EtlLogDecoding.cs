using ChainTrace.Primitives;

namespace ChainTrace.Ingest.Etl;

/// <summary>
/// Turns a log's topics and data into a token event, by the same rules as the JSON-RPC decoder:
/// Transfer with 3 topics + one data word, or 1 topic + three data words, is ERC-20; with 4 topics it is
/// ERC-721 (skipped); any other Transfer shape is malformed (skipped). Approval likewise. USDT's Issue and
/// Redeem carry the amount in data, AddedBlackList / RemovedBlackList the user, DestroyedBlackFunds the user
/// and the amount. Anything else is another event (skipped).
/// </summary>
internal static class EtlLogDecoding
{
    private const int Word = 32;

    /// <summary>
    /// Decodes the event kind and its From / To / Amount into <paramref name="ev"/> (position fields are the
    /// caller's). Returns null on success, else why the log is skipped.
    /// </summary>
    /// <param name="topics">The log's topics (at most 4).</param>
    /// <param name="data">The first bytes of data, up to 96.</param>
    /// <param name="dataLength">The full data length in bytes.</param>
    /// <param name="ev">Receives Kind, From, To, Amount.</param>
    public static SkipReason? Decode(ReadOnlySpan<Hash32> topics, ReadOnlySpan<byte> data, int dataLength, ref TokenEvent ev)
    {
        if (topics.IsEmpty) return SkipReason.OtherEvent;
        Hash32 t0 = topics[0];
        bool transfer = t0 == EventTopics.Transfer;
        if (transfer || t0 == EventTopics.Approval)
        {
            ev.Kind = transfer ? TokenEventKind.Transfer : TokenEventKind.Approval;
            if (topics.Length == 3 && dataLength == Word)
            {
                ev.From = AddressOf(topics[1]);
                ev.To = AddressOf(topics[2]);
                ev.Amount = UInt256.ReadBigEndian(data[..Word]);
                return null;
            }
            if (topics.Length == 1 && dataLength == 3 * Word)
            {
                ev.From = AddressOfWord(data[..Word]);
                ev.To = AddressOfWord(data.Slice(Word, Word));
                ev.Amount = UInt256.ReadBigEndian(data.Slice(2 * Word, Word));
                return null;
            }
            if (topics.Length == 4) return SkipReason.Erc721;
            return transfer ? SkipReason.MalformedTransferShape : SkipReason.OtherEvent;
        }
        if (topics.Length != 1) return SkipReason.OtherEvent;
        ev.From = default;
        ev.To = default;
        ev.Amount = default;
        if (t0 == EventTopics.Issue || t0 == EventTopics.Redeem)
        {
            if (dataLength != Word) return SkipReason.OtherEvent;
            ev.Kind = t0 == EventTopics.Issue ? TokenEventKind.Issue : TokenEventKind.Redeem;
            ev.Amount = UInt256.ReadBigEndian(data[..Word]);
            return null;
        }
        if (t0 == EventTopics.AddedBlackList || t0 == EventTopics.RemovedBlackList)
        {
            if (dataLength != Word) return SkipReason.OtherEvent;
            ev.Kind = t0 == EventTopics.AddedBlackList ? TokenEventKind.AddedBlackList : TokenEventKind.RemovedBlackList;
            ev.From = AddressOfWord(data[..Word]);
            return null;
        }
        if (t0 == EventTopics.DestroyedBlackFunds)
        {
            if (dataLength != 2 * Word) return SkipReason.OtherEvent;
            ev.Kind = TokenEventKind.DestroyedBlackFunds;
            ev.From = AddressOfWord(data[..Word]);
            ev.Amount = UInt256.ReadBigEndian(data.Slice(Word, Word));
            return null;
        }
        return SkipReason.OtherEvent;
    }

    /// <summary>The last 20 bytes of a topic.</summary>
    private static Address AddressOf(Hash32 topic)
    {
        Span<byte> b = stackalloc byte[Hash32.Size];
        topic.WriteTo(b);
        return new Address(b[12..]);
    }

    /// <summary>The last 20 bytes of a 32-byte word.</summary>
    private static Address AddressOfWord(ReadOnlySpan<byte> word) => new(word[12..]);
}

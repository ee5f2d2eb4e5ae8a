using ChainTrace.Primitives;

namespace ChainTrace.Ingest;

/// <summary>What a token log means.</summary>
public enum TokenEventKind : byte
{
    /// <summary>ERC-20 Transfer(from, to, value).</summary>
    Transfer = 1,
    /// <summary>ERC-20 Approval(owner, spender, value): From = owner, To = spender.</summary>
    Approval = 2,
    /// <summary>USDT Issue(amount): new tokens for the issuer.</summary>
    Issue = 3,
    /// <summary>USDT Redeem(amount): tokens destroyed from the issuer.</summary>
    Redeem = 4,
    /// <summary>USDT AddedBlackList(user): From = user.</summary>
    AddedBlackList = 5,
    /// <summary>USDT RemovedBlackList(user): From = user.</summary>
    RemovedBlackList = 6,
    /// <summary>USDT DestroyedBlackFunds(user, balance): From = user, Amount = balance destroyed.</summary>
    DestroyedBlackFunds = 7,
}

/// <summary>Why a log or record was not stored.</summary>
public enum SkipReason : byte
{
    /// <summary>Transfer topic with 4 topics: an ERC-721 token id, not an amount.</summary>
    Erc721 = 0,
    /// <summary>Transfer topic in a shape that is neither ERC-20 nor ERC-721.</summary>
    MalformedTransferShape = 1,
    /// <summary>A token the run does not track.</summary>
    UntrackedToken = 2,
    /// <summary>A log with <c>removed: true</c>: a reorg notice.</summary>
    RemovedLog = 3,
    /// <summary>A log whose topic is none of the events we decode.</summary>
    OtherEvent = 4,
    /// <summary>A bad record skipped because the user asked for <c>--skip-bad</c>.</summary>
    BadRecord = 5,
}

/// <summary>A decoded token log. Plain value type; decoders fill it without allocating.</summary>
public struct TokenEvent
{
    /// <summary>What the log means.</summary>
    public TokenEventKind Kind;
    /// <summary>Block number.</summary>
    public ulong Block;
    /// <summary>Transaction index in the block.</summary>
    public uint TxIndex;
    /// <summary>Block-wide log index.</summary>
    public uint LogIndex;
    /// <summary>Transaction hash (zero when the source lacks it).</summary>
    public Hash32 TxHash;
    /// <summary>Block hash (zero when the source lacks it).</summary>
    public Hash32 BlockHash;
    /// <summary>Block time, Unix seconds; 0 when the source lacks it.</summary>
    public long Timestamp;
    /// <summary>The emitting contract.</summary>
    public Address Token;
    /// <summary>Transfer: sender; Approval: owner; blacklist events: the user.</summary>
    public Address From;
    /// <summary>Transfer: receiver; Approval: spender.</summary>
    public Address To;
    /// <summary>Value in base units (Transfer, Approval, Issue, Redeem, DestroyedBlackFunds).</summary>
    public UInt256 Amount;
    /// <summary>True for a <c>removed: true</c> log (reorg notice).</summary>
    public bool Removed;

    /// <summary>The event's position in the chain's total order.</summary>
    public readonly Seq Seq => Seq.ForLog(Block, TxIndex, LogIndex);
}

/// <summary>A block header: what the store keeps of a block.</summary>
public struct BlockHeader
{
    /// <summary>Block number.</summary>
    public ulong Number;
    /// <summary>Block hash.</summary>
    public Hash32 Hash;
    /// <summary>Parent block hash.</summary>
    public Hash32 ParentHash;
    /// <summary>Block time, Unix seconds.</summary>
    public long Timestamp;
    /// <summary>Number of transactions, when known (−1 otherwise).</summary>
    public int TransactionCount;
}

/// <summary>A transaction: its sender, receiver and native value (gas funding, approvals heuristic).</summary>
public struct TransactionRecord
{
    /// <summary>Block number.</summary>
    public ulong Block;
    /// <summary>Index in the block.</summary>
    public uint TxIndex;
    /// <summary>Transaction hash.</summary>
    public Hash32 Hash;
    /// <summary>Sender.</summary>
    public Address From;
    /// <summary>Receiver; zero with <see cref="HasTo"/> false for contract creation.</summary>
    public Address To;
    /// <summary>False for contract creation.</summary>
    public bool HasTo;
    /// <summary>Native value in base units (wei, sun).</summary>
    public UInt256 Value;
    /// <summary>Block time, Unix seconds; 0 when unknown.</summary>
    public long Timestamp;

    /// <summary>Position of the native transfer.</summary>
    public readonly Seq Seq => Seq.ForNative(Block, TxIndex);
}

/// <summary>
/// Receives decoded records in source order. Decoders call it synchronously from their parse loop with
/// <c>in</c> references to stack values: a sink copies what it keeps and never holds the reference.
/// </summary>
public interface IChainEventSink
{
    /// <summary>A block header.</summary>
    void OnBlock(in BlockHeader block);

    /// <summary>A transaction (from block bodies or ethereum-etl transactions).</summary>
    void OnTransaction(in TransactionRecord transaction);

    /// <summary>A token log we understand.</summary>
    void OnTokenEvent(in TokenEvent tokenEvent);

    /// <summary>A record that was not stored, and why.</summary>
    void OnSkipped(SkipReason reason, ulong block);
}

/// <summary>Bad input: names the source, the position (line or byte offset) and the field.</summary>
public sealed class ChainDataException : Exception
{
    /// <summary>Creates the exception.</summary>
    public ChainDataException(string source, long? line, long? byteOffset, string? field, string problem, Exception? inner = null)
        : base(Compose(source, line, byteOffset, field, problem), inner)
    {
        Source_ = source;
        Line = line;
        ByteOffset = byteOffset;
        Field = field;
        Problem = problem;
    }

    /// <summary>File name or URL.</summary>
    public string Source_ { get; }
    /// <summary>1-based line, when known.</summary>
    public long? Line { get; }
    /// <summary>0-based byte offset in the (decompressed) input, when known.</summary>
    public long? ByteOffset { get; }
    /// <summary>The field that was wrong, when known.</summary>
    public string? Field { get; }
    /// <summary>What was wrong.</summary>
    public string Problem { get; }

    private static string Compose(string source, long? line, long? offset, string? field, string problem)
    {
        var where = source;
        if (line is { } l) where += $":{l}";
        if (offset is { } o) where += $" (byte {o})";
        return field is null ? $"{where}: {problem}" : $"{where}: field '{field}': {problem}";
    }
}

using System.Numerics;
using ChainTrace.Primitives;

namespace ChainTrace.Storage;

/// <summary>Approximate on-disk size of one column family.</summary>
/// <param name="Name">Column family name.</param>
/// <param name="SstBytes">Bytes in its SST files.</param>
/// <param name="MemtableBytes">Bytes still in memtables.</param>
public sealed record ColumnFamilySize(string Name, long SstBytes, long MemtableBytes)
{
    /// <summary>SST plus memtable bytes.</summary>
    public long TotalBytes => SstBytes + MemtableBytes;
}

/// <summary>What a store holds.</summary>
/// <param name="Chain">Chain name.</param>
/// <param name="SchemaVersion">Schema version of the store.</param>
/// <param name="IndexedHead">Highest block whose token events are fully indexed; null for an empty store.</param>
/// <param name="AddressCount">Address ids handed out.</param>
/// <param name="TransferCount">Stored token transfers (issuance and destroyed funds included).</param>
/// <param name="BlockCount">Stored block records (headers, or timestamps and hashes taken from logs).</param>
/// <param name="TransactionCount">Stored transaction records (full, or hashes taken from logs).</param>
/// <param name="LabelCount">Stored labels.</param>
/// <param name="Tokens">Indexed tokens with their ids.</param>
/// <param name="AllTokens">True when the store indexes every token, false when only <paramref name="Tokens"/>.</param>
/// <param name="ColumnFamilies">Approximate size per column family.</param>
/// <param name="TotalBytes">Approximate total size.</param>
public sealed record StoreStats(
    string Chain,
    int SchemaVersion,
    ulong? IndexedHead,
    uint AddressCount,
    long TransferCount,
    long BlockCount,
    long TransactionCount,
    long LabelCount,
    IReadOnlyList<(uint Id, TokenInfo Token)> Tokens,
    bool AllTokens,
    IReadOnlyList<ColumnFamilySize> ColumnFamilies,
    long TotalBytes);

/// <summary>One counterparty of an address in <see cref="AddressSummary"/>.</summary>
/// <param name="Address">The counterparty.</param>
/// <param name="Sent">Base units the summarised address sent to it.</param>
/// <param name="Received">Base units the summarised address received from it.</param>
/// <param name="Count">Transfers between them, both directions.</param>
public sealed record CounterpartySummary(Address Address, BigInteger Sent, BigInteger Received, long Count);

/// <summary>An address at a glance, for one token.</summary>
/// <param name="Address">The address.</param>
/// <param name="Id">Its dense id.</param>
/// <param name="Balance">Running balance after its last indexed transfer (negative when earlier history is missing).</param>
/// <param name="TotalIn">Base units received.</param>
/// <param name="TotalOut">Base units sent.</param>
/// <param name="CountIn">Incoming transfers.</param>
/// <param name="CountOut">Outgoing transfers.</param>
/// <param name="FirstSeen">Position of its first transfer of the token, if any.</param>
/// <param name="FirstSeenTime">Block time of <paramref name="FirstSeen"/> (Unix seconds), if the block is stored.</param>
/// <param name="LastSeen">Position of its last transfer of the token, if any.</param>
/// <param name="LastSeenTime">Block time of <paramref name="LastSeen"/>, if stored.</param>
/// <param name="TopCounterparties">Counterparties by volume (sent plus received), largest first.</param>
/// <param name="Labels">Its labels.</param>
/// <param name="Blacklisted">True when the token's issuer blacklisted it and has not lifted it.</param>
public sealed record AddressSummary(
    Address Address,
    uint Id,
    BigInteger Balance,
    BigInteger TotalIn,
    BigInteger TotalOut,
    long CountIn,
    long CountOut,
    Seq? FirstSeen,
    long? FirstSeenTime,
    Seq? LastSeen,
    long? LastSeenTime,
    IReadOnlyList<CounterpartySummary> TopCounterparties,
    IReadOnlyList<AddressLabel> Labels,
    bool Blacklisted);

namespace ChainTrace.Ingest.Etl;

/// <summary>The ethereum-etl columns (CSV) / properties (JSON) that the readers understand. Others are ignored.</summary>
internal enum EtlField : byte
{
    None = 0,
    TokenAddress,
    FromAddress,
    ToAddress,
    Value,
    TransactionHash,
    LogIndex,
    BlockNumber,
    BlockTimestamp,
    BlockHash,
    TransactionIndex,
    Address,
    Data,
    Topics,
    Number,
    Hash,
    ParentHash,
    Timestamp,
    TransactionCount,
    /// <summary>JSON only: ethereum-etl's record type ("token_transfer", "log", "block", "transaction").</summary>
    Type,
}

/// <summary>Column names, lookup by name, and what each table needs.</summary>
internal static class EtlFields
{
    /// <summary>Number of <see cref="EtlField"/> values (for per-field arrays).</summary>
    public const int Count = (int)EtlField.Type + 1;

    private static readonly string[] Names =
    [
        "", "token_address", "from_address", "to_address", "value", "transaction_hash", "log_index", "block_number",
        "block_timestamp", "block_hash", "transaction_index", "address", "data", "topics", "number", "hash",
        "parent_hash", "timestamp", "transaction_count", "type",
    ];

    /// <summary>The column name of a field.</summary>
    public static string NameOf(EtlField field) => Names[(int)field];

    /// <summary>Bit of a field in a mask.</summary>
    public static uint Bit(EtlField field) => 1u << (int)field;

    /// <summary>Fields that must hold a value for a record of the table to be decoded.</summary>
    public static uint Required(EtlTable table) => table switch
    {
        EtlTable.TokenTransfers => Bit(EtlField.TokenAddress) | Bit(EtlField.FromAddress) | Bit(EtlField.ToAddress) |
            Bit(EtlField.Value) | Bit(EtlField.TransactionHash) | Bit(EtlField.LogIndex) | Bit(EtlField.BlockNumber),
        EtlTable.Logs => Bit(EtlField.LogIndex) | Bit(EtlField.TransactionHash) | Bit(EtlField.TransactionIndex) |
            Bit(EtlField.BlockNumber) | Bit(EtlField.Address) | Bit(EtlField.Data),
        EtlTable.Blocks => Bit(EtlField.Number) | Bit(EtlField.Hash) | Bit(EtlField.ParentHash) | Bit(EtlField.Timestamp),
        EtlTable.Transactions => Bit(EtlField.Hash) | Bit(EtlField.BlockNumber) | Bit(EtlField.TransactionIndex) |
            Bit(EtlField.FromAddress) | Bit(EtlField.Value),
        _ => 0,
    };

    /// <summary>
    /// Columns that must exist but may be empty: <c>topics</c> of a log (a LOG0 has none) and <c>to_address</c>
    /// of a transaction (empty for a contract creation).
    /// </summary>
    public static uint RequiredColumnsMayBeEmpty(EtlTable table) => table switch
    {
        EtlTable.Logs => Bit(EtlField.Topics),
        EtlTable.Transactions => Bit(EtlField.ToAddress),
        _ => 0,
    };

    /// <summary>Fields used by the table when present.</summary>
    public static uint Optional(EtlTable table) => table switch
    {
        EtlTable.TokenTransfers => Bit(EtlField.BlockTimestamp) | Bit(EtlField.BlockHash),
        EtlTable.Logs => Bit(EtlField.BlockHash) | Bit(EtlField.BlockTimestamp),
        EtlTable.Blocks => Bit(EtlField.TransactionCount),
        EtlTable.Transactions => Bit(EtlField.BlockTimestamp),
        _ => 0,
    };

    /// <summary>Every field the table reads.</summary>
    public static uint Used(EtlTable table) => Required(table) | RequiredColumnsMayBeEmpty(table) | Optional(table);

    /// <summary>Finds a field by its UTF-8 name; <see cref="EtlField.None"/> when unknown.</summary>
    public static EtlField Lookup(ReadOnlySpan<byte> name)
    {
        switch (name.Length)
        {
            case 4:
                if (name.SequenceEqual("data"u8)) return EtlField.Data;
                if (name.SequenceEqual("hash"u8)) return EtlField.Hash;
                if (name.SequenceEqual("type"u8)) return EtlField.Type;
                break;
            case 5:
                if (name.SequenceEqual("value"u8)) return EtlField.Value;
                break;
            case 6:
                if (name.SequenceEqual("topics"u8)) return EtlField.Topics;
                if (name.SequenceEqual("number"u8)) return EtlField.Number;
                break;
            case 7:
                if (name.SequenceEqual("address"u8)) return EtlField.Address;
                break;
            case 9:
                if (name.SequenceEqual("log_index"u8)) return EtlField.LogIndex;
                if (name.SequenceEqual("timestamp"u8)) return EtlField.Timestamp;
                break;
            case 10:
                if (name.SequenceEqual("to_address"u8)) return EtlField.ToAddress;
                if (name.SequenceEqual("block_hash"u8)) return EtlField.BlockHash;
                break;
            case 11:
                if (name.SequenceEqual("parent_hash"u8)) return EtlField.ParentHash;
                break;
            case 12:
                if (name.SequenceEqual("from_address"u8)) return EtlField.FromAddress;
                if (name.SequenceEqual("block_number"u8)) return EtlField.BlockNumber;
                break;
            case 13:
                if (name.SequenceEqual("token_address"u8)) return EtlField.TokenAddress;
                break;
            case 15:
                if (name.SequenceEqual("block_timestamp"u8)) return EtlField.BlockTimestamp;
                break;
            case 16:
                if (name.SequenceEqual("transaction_hash"u8)) return EtlField.TransactionHash;
                break;
            case 17:
                if (name.SequenceEqual("transaction_index"u8)) return EtlField.TransactionIndex;
                if (name.SequenceEqual("transaction_count"u8)) return EtlField.TransactionCount;
                break;
        }
        return EtlField.None;
    }

    /// <summary>
    /// Guesses the table from the set of column / property names present (ethereum-etl's own names). Checked from
    /// the most specific table to the least: token transfers, logs, blocks, transactions.
    /// </summary>
    public static EtlTable? Classify(uint seen)
    {
        static bool Has(uint seen, uint need) => (seen & need) == need;
        if (Has(seen, Bit(EtlField.TokenAddress) | Bit(EtlField.Value) | Bit(EtlField.LogIndex) | Bit(EtlField.TransactionHash)))
            return EtlTable.TokenTransfers;
        if (Has(seen, Bit(EtlField.Topics) | Bit(EtlField.Data) | Bit(EtlField.LogIndex)))
            return EtlTable.Logs;
        if (Has(seen, Bit(EtlField.Number) | Bit(EtlField.Hash) | Bit(EtlField.ParentHash)))
            return EtlTable.Blocks;
        if (Has(seen, Bit(EtlField.Hash) | Bit(EtlField.TransactionIndex) | Bit(EtlField.FromAddress) | Bit(EtlField.BlockNumber)))
            return EtlTable.Transactions;
        return null;
    }

    /// <summary>Maps ethereum-etl's JSON <c>type</c> value to a table.</summary>
    public static EtlTable? TableOfType(ReadOnlySpan<byte> type)
    {
        if (type.SequenceEqual("token_transfer"u8)) return EtlTable.TokenTransfers;
        if (type.SequenceEqual("log"u8)) return EtlTable.Logs;
        if (type.SequenceEqual("block"u8)) return EtlTable.Blocks;
        if (type.SequenceEqual("transaction"u8)) return EtlTable.Transactions;
        return null;
    }
}

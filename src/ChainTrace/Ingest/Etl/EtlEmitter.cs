using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using ChainTrace.Ingest.Json;
using ChainTrace.Primitives;

namespace ChainTrace.Ingest.Etl;

/// <summary>
/// Turns filled <see cref="EtlRecord"/>s into sink calls for one file: checks required fields, resolves token
/// transfers' transaction index (context or rank fallback, per block), and handles bad records (throw, or count
/// and go on with <see cref="DecodeOptions.SkipBad"/>). One instance per file; reused buffers only.
/// </summary>
internal sealed class EtlEmitter
{
    private readonly string _source;
    private readonly EtlContext _context;
    private readonly IChainEventSink _sink;
    private readonly DecodeOptions _options;

    // Token transfers of the current block, held until the block ends so their transaction index can be resolved.
    private TokenEvent[] _pending = new TokenEvent[64];
    private ulong[] _order = new ulong[64];
    private int _pendingCount;
    private ulong _pendingBlock;
    private readonly Dictionary<Hash32, uint> _ranks = [];

    /// <summary>The record the readers fill, reused for every row.</summary>
    public EtlRecord Record;

    public EtlEmitter(string source, EtlContext context, IChainEventSink sink, DecodeOptions options)
    {
        _source = source;
        _context = context;
        _sink = sink;
        _options = options;
    }

    /// <summary>Name of the input, for errors.</summary>
    public string Source => _source;

    /// <summary>Checks what <paramref name="table"/> needs and emits <see cref="Record"/>.</summary>
    public void Emit(EtlTable table, long line, long? byteOffset)
    {
        ref var r = ref Record;
        uint required = EtlFields.Required(table);
        uint mustSee = EtlFields.RequiredColumnsMayBeEmpty(table);
        if ((r.Present & required) != required || (r.Seen & mustSee) != mustSee)
        {
            Missing(table, line, byteOffset);
            return;
        }
        switch (table)
        {
            case EtlTable.TokenTransfers: EmitTransfer(ref r); break;
            case EtlTable.Logs: EmitLog(ref r); break;
            case EtlTable.Blocks: EmitBlock(ref r); break;
            case EtlTable.Transactions: EmitTransaction(ref r); break;
        }
    }

    /// <summary>A record of a type the readers do not decode (JSON <c>type</c> such as "trace").</summary>
    public void SkipOther() =>
        _sink.OnSkipped(SkipReason.OtherEvent, Record.Has(EtlField.BlockNumber) ? Record.BlockNumber : Record.Has(EtlField.Number) ? Record.Number : 0);

    private void EmitTransfer(ref EtlRecord r)
    {
        if (_pendingCount > 0 && _pendingBlock != r.BlockNumber) FlushTransfers();
        if (_pendingCount == _pending.Length)
        {
            Array.Resize(ref _pending, _pending.Length * 2);
            Array.Resize(ref _order, _pending.Length);
        }
        _pendingBlock = r.BlockNumber;
        ref var ev = ref _pending[_pendingCount++];
        ev = default;
        ev.Kind = TokenEventKind.Transfer;
        ev.Block = r.BlockNumber;
        ev.LogIndex = r.LogIndex;
        ev.TxHash = r.TransactionHash;
        ev.BlockHash = r.Has(EtlField.BlockHash) ? r.BlockHash : default;
        ev.Timestamp = TimeOf(ref r, r.BlockNumber);
        ev.Token = r.TokenAddress;
        ev.From = r.FromAddress;
        ev.To = r.ToAddress;
        ev.Amount = r.Value;
    }

    private void EmitLog(ref EtlRecord r)
    {
        var ev = default(TokenEvent);
        ev.Block = r.BlockNumber;
        ev.TxIndex = r.TransactionIndex;
        ev.LogIndex = r.LogIndex;
        ev.TxHash = r.TransactionHash;
        ev.BlockHash = r.Has(EtlField.BlockHash) ? r.BlockHash : default;
        ev.Timestamp = TimeOf(ref r, r.BlockNumber);
        ev.Token = r.Address;
        ReadOnlySpan<byte> topics = r.Topics;
        ReadOnlySpan<byte> data = r.Data;
        // The same rules as the JSON-RPC decoders.
        if (LogRules.TryClassify(topics[..(32 * r.TopicCount)], r.TopicCount, data[..Math.Min(r.DataLength, data.Length)], r.DataLength,
                tron: false, ref ev, out var reason))
            _sink.OnTokenEvent(in ev);
        else
            _sink.OnSkipped(reason, r.BlockNumber);
    }

    private void EmitBlock(ref EtlRecord r)
    {
        var b = new BlockHeader
        {
            Number = r.Number,
            Hash = r.Hash,
            ParentHash = r.ParentHash,
            Timestamp = r.Timestamp,
            TransactionCount = r.Has(EtlField.TransactionCount) ? (int)r.TransactionCount : -1,
        };
        _context.AddBlock(r.Number, r.Timestamp);
        _sink.OnBlock(in b);
    }

    private void EmitTransaction(ref EtlRecord r)
    {
        bool hasTo = r.Has(EtlField.ToAddress);
        var t = new TransactionRecord
        {
            Block = r.BlockNumber,
            TxIndex = r.TransactionIndex,
            Hash = r.Hash,
            From = r.FromAddress,
            To = hasTo ? r.ToAddress : default,
            HasTo = hasTo,
            Value = r.Value,
            Timestamp = TimeOf(ref r, r.BlockNumber),
        };
        _context.AddTransaction(in t.Hash, t.Block, t.TxIndex);
        _sink.OnTransaction(in t);
    }

    private long TimeOf(ref EtlRecord r, ulong block)
    {
        if (r.Has(EtlField.BlockTimestamp)) return r.BlockTimestamp;
        return _context.TryGetBlockTime(block, out long t) ? t : 0;
    }

    /// <summary>Emits the held token transfers; call at the end of the file.</summary>
    public void Finish()
    {
        if (_pendingCount > 0) FlushTransfers();
    }

    private void FlushTransfers()
    {
        int n = _pendingCount;
        var items = _pending.AsSpan(0, n);
        bool allKnown = true;
        for (int i = 0; i < n; i++)
        {
            if (_context.TryGetTxIndex(in items[i].TxHash, _pendingBlock, out uint index)) items[i].TxIndex = index;
            else allKnown = false;
        }
        if (!allKnown)
        {
            // Rank of each transaction among the block's distinct transfer transactions, ordered by log index.
            // Applied to the whole block so that the indexes stay monotonic in the log index.
            var order = _order.AsSpan(0, n);
            bool sorted = true;
            for (int i = 0; i < n; i++)
            {
                order[i] = ((ulong)items[i].LogIndex << 32) | (uint)i;
                if (i > 0 && order[i] < order[i - 1]) sorted = false;
            }
            if (!sorted) order.Sort();
            _ranks.Clear();
            for (int k = 0; k < n; k++)
            {
                ref var ev = ref items[(int)(uint)order[k]];
                if (!_ranks.TryGetValue(ev.TxHash, out uint rank))
                {
                    rank = (uint)_ranks.Count;
                    _ranks.Add(ev.TxHash, rank);
                }
                ev.TxIndex = rank;
            }
            _context.TxIndexFallbacks += n;
        }
        for (int i = 0; i < n; i++) _sink.OnTokenEvent(in items[i]);
        _pendingCount = 0;
    }

    /// <summary>
    /// A bad record: throws <see cref="ChainDataException"/>, or with <see cref="DecodeOptions.SkipBad"/> counts it
    /// (<see cref="SkipReason.BadRecord"/>), reports it and returns.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public void Bad(long? line, long? byteOffset, string? field, string problem)
    {
        var ex = new ChainDataException(_source, line, byteOffset, field, problem);
        if (!_options.SkipBad) throw ex;
        ulong block = Record.Has(EtlField.BlockNumber) ? Record.BlockNumber : Record.Has(EtlField.Number) ? Record.Number : 0;
        _sink.OnSkipped(SkipReason.BadRecord, block);
        _options.OnBadRecord?.Invoke(ex);
    }

    /// <summary>A field that failed to parse.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public void BadField(long? line, long? byteOffset, EtlField field, FieldProblem problem) =>
        Bad(line, byteOffset, EtlFields.NameOf(field), EtlText.Describe(problem));

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void Missing(EtlTable table, long line, long? byteOffset)
    {
        uint required = EtlFields.Required(table), mustSee = EtlFields.RequiredColumnsMayBeEmpty(table);
        for (int f = 1; f < EtlFields.Count; f++)
        {
            uint bit = 1u << f;
            if ((required & bit) != 0 && (Record.Present & bit) == 0)
            {
                Bad(line, byteOffset, EtlFields.NameOf((EtlField)f),
                    (Record.Seen & bit) != 0 ? "missing value" : $"missing (required for {TableName(table)})");
                return;
            }
            if ((mustSee & bit) != 0 && (Record.Seen & bit) == 0)
            {
                Bad(line, byteOffset, EtlFields.NameOf((EtlField)f), $"missing (required for {TableName(table)})");
                return;
            }
        }
    }

    /// <summary>ethereum-etl's name of a table's file.</summary>
    public static string TableName(EtlTable table) => table switch
    {
        EtlTable.TokenTransfers => "token_transfers",
        EtlTable.Logs => "logs",
        EtlTable.Blocks => "blocks",
        _ => "transactions",
    };

    /// <summary>Throws for an error that cannot be skipped (header, whole-file problems).</summary>
    [DoesNotReturn]
    public static void Throw(string source, long? line, long? byteOffset, string? field, string problem, Exception? inner = null) =>
        throw new ChainDataException(source, line, byteOffset, field, problem, inner);
}

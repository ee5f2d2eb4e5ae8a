using System.Collections.Concurrent;
using System.Runtime.ExceptionServices;
using System.Runtime.InteropServices;
using ChainTrace.Ingest;

namespace ChainTrace.Storage.Writing;

/// <summary>
/// Runs the writer on its own thread: the decoder's sink calls copy each record into a pooled chunk (a struct copy,
/// no allocation), full chunks go through a bounded queue to the writer thread, which drives <see cref="IndexCore"/>.
/// Decoding and writing then overlap on two cores. A writer failure stops the decoder at its next record.
/// </summary>
internal sealed class IndexPipeline : IChainEventSink, IDisposable
{
    private const int Chunks = 8;

    private readonly IndexCore _core;
    private readonly int _chunkSize;
    private readonly BlockingCollection<Chunk> _full = new(new ConcurrentQueue<Chunk>(), Chunks - 2);
    private readonly BlockingCollection<Chunk> _free = new(new ConcurrentQueue<Chunk>(), Chunks);
    private readonly CancellationTokenSource _stop = new();
    private readonly Thread _thread;
    private Chunk _current;
    private Exception? _failure;
    private bool _ended;

    /// <summary>Starts the writer thread over <paramref name="core"/>.</summary>
    public IndexPipeline(IndexCore core, int chunkSize = 4096)
    {
        _core = core;
        _chunkSize = Math.Max(1, chunkSize);
        for (int i = 0; i < Chunks - 1; i++) _free.Add(new Chunk(_chunkSize));
        _current = new Chunk(_chunkSize);
        _thread = new Thread(Run) { IsBackground = true, Name = "chaintrace-writer" };
        _thread.Start();
    }

    /// <summary>The writer's counters (read from other threads for progress).</summary>
    public IndexCounters Counters => _core.Counters;

    /// <summary>A new input file starts.</summary>
    public void BeginFile(string name)
    {
        ref var e = ref Next();
        e.Kind = RawKind.BeginFile;
        e.Block = (ulong)_current.Names.Count;
        _current.Names.Add(name);
    }

    /// <inheritdoc/>
    public void OnBlock(in BlockHeader block)
    {
        ref var e = ref Next();
        e.Kind = RawKind.Block;
        e.Header = block;
    }

    /// <inheritdoc/>
    public void OnTransaction(in TransactionRecord transaction)
    {
        ref var e = ref Next();
        e.Kind = RawKind.Transaction;
        e.Tx = transaction;
    }

    /// <inheritdoc/>
    public void OnTokenEvent(in TokenEvent tokenEvent)
    {
        ref var e = ref Next();
        e.Kind = RawKind.Token;
        e.Token = tokenEvent;
    }

    /// <inheritdoc/>
    public void OnSkipped(SkipReason reason, ulong block)
    {
        ref var e = ref Next();
        e.Kind = RawKind.Skipped;
        e.Reason = reason;
        e.Block = block;
    }

    private ref RawEvent Next()
    {
        if (_current.Count == _chunkSize) Post();
        return ref _current.Events[_current.Count++];
    }

    private void Post()
    {
        try
        {
            _full.Add(_current, _stop.Token);
            _current = _free.Take(_stop.Token);
        }
        catch (OperationCanceledException) when (_failure is not null)
        {
            ExceptionDispatchInfo.Throw(_failure);
        }
    }

    private void Run()
    {
        try
        {
            foreach (var chunk in _full.GetConsumingEnumerable(_stop.Token))
            {
                Dispatch(chunk);
                chunk.Count = 0;
                chunk.Names.Clear();
                _free.Add(chunk);
            }
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            _failure = e;
            _stop.Cancel();
        }
    }

    private void Dispatch(Chunk chunk)
    {
        var events = chunk.Events.AsSpan(0, chunk.Count);
        for (int i = 0; i < events.Length; i++)
        {
            ref readonly var e = ref events[i];
            switch (e.Kind)
            {
                case RawKind.Token: _core.OnTokenEvent(e.Token); break;
                case RawKind.Block: _core.OnBlock(e.Header); break;
                case RawKind.Transaction: _core.OnTransaction(e.Tx); break;
                case RawKind.Skipped: _core.OnSkipped(e.Reason, e.Block); break;
                case RawKind.BeginFile: _core.BeginFile(chunk.Names[(int)e.Block]); break;
            }
        }
    }

    /// <summary>Waits for the writer to drain, then completes the run (final commit). Rethrows a writer failure.</summary>
    public void Complete()
    {
        if (_ended) throw new InvalidOperationException("The pipeline has ended.");
        _ended = true;
        try
        {
            if (_failure is null && _current.Count > 0)
            {
                try { _full.Add(_current, _stop.Token); }
                catch (OperationCanceledException) when (_failure is not null) { }
            }
            _full.CompleteAdding();
            _thread.Join();
        }
        catch
        {
            _core.Abort();
            throw;
        }
        if (_failure is not null)
        {
            _core.Abort();
            ExceptionDispatchInfo.Throw(_failure);
        }
        _core.Complete();
    }

    /// <summary>Stops the writer and drops everything not committed.</summary>
    public void Abort()
    {
        if (!_ended)
        {
            _ended = true;
            _stop.Cancel();
            _full.CompleteAdding();
            _thread.Join();
        }
        _core.Abort();
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        if (!_ended) Abort();
        _stop.Dispose();
        _full.Dispose();
        _free.Dispose();
    }

    private enum RawKind : byte
    {
        Token = 1,
        Block = 2,
        Transaction = 3,
        Skipped = 4,
        BeginFile = 5,
    }

    [StructLayout(LayoutKind.Explicit)]
    private struct RawEvent
    {
        [FieldOffset(0)] public RawKind Kind;
        [FieldOffset(1)] public SkipReason Reason;
        [FieldOffset(8)] public ulong Block;
        [FieldOffset(16)] public TokenEvent Token;
        [FieldOffset(16)] public BlockHeader Header;
        [FieldOffset(16)] public TransactionRecord Tx;
    }

    private sealed class Chunk(int size)
    {
        public readonly RawEvent[] Events = new RawEvent[size];
        public readonly List<string> Names = [];
        public int Count;
    }
}

using System.Collections.Concurrent;

namespace ChainTrace.Synthetic;

/// <summary>
/// Hands finished blocks to the writers, each on its own thread, so formatting and file output of the different
/// files overlap with the simulation. Blocks are copied into pooled batches shared by all writers (returned to
/// the pool when every writer is done with them), which bounds memory and gives the simulation back-pressure.
/// Each writer sees every block in order, so the files stay deterministic.
/// </summary>
internal sealed class BlockPipeline : IDisposable
{
    private const int BlocksPerBatch = 64;
    private const int Batches = 8;

    private sealed class Batch
    {
        public readonly SynthBlock[] Blocks = new SynthBlock[BlocksPerBatch];
        public int Count;
        public int Pending;

        public Batch()
        {
            for (int i = 0; i < Blocks.Length; i++) Blocks[i] = new SynthBlock();
        }
    }

    private sealed class Worker
    {
        public required IBlockWriter Writer;
        public readonly BlockingCollection<Batch> Queue = new(Batches);
        public Thread? Thread;
        public volatile Exception? Error;
    }

    private readonly BlockingCollection<Batch> _free = new(Batches);
    private readonly Worker[] _workers;
    private Batch _current;
    private bool _completed;

    public BlockPipeline(IReadOnlyList<IBlockWriter> writers)
    {
        for (int i = 0; i < Batches; i++) _free.Add(new Batch());
        _current = _free.Take();
        _workers = new Worker[writers.Count];
        for (int i = 0; i < writers.Count; i++)
        {
            var w = new Worker { Writer = writers[i] };
            w.Thread = new Thread(() => Consume(w)) { IsBackground = true, Name = "synth-writer-" + i };
            _workers[i] = w;
            w.Thread.Start();
        }
    }

    /// <summary>Copies a finished block into the current batch.</summary>
    public void Add(SynthBlock block)
    {
        var copy = _current.Blocks[_current.Count++];
        copy.Number = block.Number;
        copy.Timestamp = block.Timestamp;
        if (copy.Txs.Length < block.Count) copy.Txs = new SynthTx[Math.Max(block.Count, copy.Txs.Length * 2)];
        Array.Copy(block.Txs, copy.Txs, block.Count);
        copy.Count = block.Count;
        if (_current.Count == BlocksPerBatch) Publish();
    }

    private void Publish()
    {
        foreach (var w in _workers)
            if (w.Error is { } e) throw new IOException("Writing the synthetic data failed: " + e.Message, e);
        if (_current.Count == 0) return;
        _current.Pending = _workers.Length;
        if (_workers.Length == 0) _current.Count = 0;
        else
        {
            foreach (var w in _workers) w.Queue.Add(_current);
            _current = _free.Take();
            _current.Count = 0;
        }
    }

    /// <summary>Flushes the last batch, waits for every writer to finish and closes their records.</summary>
    public void Complete()
    {
        Publish();
        Stop();
        foreach (var w in _workers)
            if (w.Error is { } e) throw new IOException("Writing the synthetic data failed: " + e.Message, e);
        foreach (var w in _workers) w.Writer.Complete();
    }

    private void Stop()
    {
        if (_completed) return;
        _completed = true;
        foreach (var w in _workers) w.Queue.CompleteAdding();
        foreach (var w in _workers) w.Thread!.Join();
    }

    private void Consume(Worker w)
    {
        foreach (var batch in w.Queue.GetConsumingEnumerable())
        {
            if (w.Error is null)
            {
                try
                {
                    for (int i = 0; i < batch.Count; i++) w.Writer.WriteBlock(batch.Blocks[i]);
                }
                catch (Exception e)
                {
                    w.Error = e;
                }
            }
            if (Interlocked.Decrement(ref batch.Pending) == 0) _free.Add(batch);
        }
    }

    public void Dispose()
    {
        Stop();
        foreach (var w in _workers) w.Queue.Dispose();
        _free.Dispose();
    }
}

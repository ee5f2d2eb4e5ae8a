using ChainTrace.Primitives;
using ChainTrace.Storage;
using ChainTrace.Storage.Encoding;
using ChainTrace.Storage.Rocks;

namespace ChainTrace.Clustering;

/// <summary>Receives edges from <see cref="EdgeSource.Visit{TVisitor}"/>; returns false to stop.</summary>
internal interface IEdgeVisitor
{
    bool Visit(in Edge edge);
}

/// <summary>
/// Reads many addresses' edges one after another. On the RocksDB store it keeps one iterator per direction and
/// seeks it to each address (creating an iterator costs far more than a seek); elsewhere it opens cursors.
/// </summary>
internal sealed class EdgeSource(IChainReader reader) : IDisposable
{
    private readonly ChainTraceStore? _rocks = reader as ChainTraceStore;
    private NativeIterator? _in, _out;

    /// <summary>Visits an address's edges of one token in seq order.</summary>
    public void Visit<TVisitor>(EdgeDirection direction, uint id, uint token, ref TVisitor visitor) where TVisitor : struct, IEdgeVisitor
    {
        if (_rocks is null)
        {
            using var c = reader.OpenEdges(direction, id, token, Seq.MinValue);
            while (c.MoveNext())
                if (!visitor.Visit(c.Current)) return;
            return;
        }
        var it = direction == EdgeDirection.In
            ? _in ??= new NativeIterator(_rocks.Database, _rocks.InFamily)
            : _out ??= new NativeIterator(_rocks.Database, _rocks.OutFamily);
        Span<byte> key = stackalloc byte[KeyCodec.EdgeKeyLength];
        KeyCodec.WriteEdgeKey(key, id, token, 0);
        for (it.Seek(key); it.Valid; it.Next())
        {
            KeyCodec.ReadEdgeKey(it.Key, out uint owner, out uint t, out var seq);
            if (owner != id || t != token) break;
            if (!visitor.Visit(ValueCodec.ReadEdge(it.Value, seq))) return;
        }
        it.ThrowIfError();
    }

    public void Dispose()
    {
        _in?.Dispose();
        _out?.Dispose();
    }
}

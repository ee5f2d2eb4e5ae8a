using ChainTrace.Primitives;
using ChainTrace.Storage;

namespace ChainTrace.Tracing;

/// <summary>
/// Traces token flows over an indexed chain: forward (where the seeds' money went) or backward (where it came
/// from), in global time order, under one or several taint models in one pass. Thread-safe: concurrent
/// traces each get their own working state; buffers are reused between traces.
/// </summary>
public sealed class Tracer
{
    private TraceEngine? _spare;

    /// <summary>Creates a tracer over an open store (RocksDB <c>ChainTraceStore</c> or <c>MemoryChainStore</c>).</summary>
    public Tracer(IChainReader reader)
    {
        ArgumentNullException.ThrowIfNull(reader);
        Reader = reader;
    }

    /// <summary>The store traced.</summary>
    public IChainReader Reader { get; }

    /// <summary>Runs a trace.</summary>
    /// <exception cref="ArgumentException">Bad options: no seed, a seed unknown to the store, hops out of range,
    /// an empty or unsupported model set, a window whose start is after its end, an unknown token.</exception>
    /// <exception cref="OperationCanceledException">Cancelled.</exception>
    public TraceResult Trace(TraceOptions options, CancellationToken cancellationToken = default)
    {
        var (token, tokenId, seedIds) = Validate(options);
        var engine = Interlocked.Exchange(ref _spare, null) ?? new TraceEngine();
        try
        {
            engine.Run(Reader, tokenId, seedIds, options, cancellationToken);
            return engine.BuildResult(options, token, Distinct(options.Seeds));
        }
        finally
        {
            engine.Reset();
            _spare = engine;
        }
    }

    private static List<Address> Distinct(IReadOnlyList<Address> seeds)
    {
        var list = new List<Address>();
        foreach (var s in seeds) if (!list.Contains(s)) list.Add(s);
        return list;
    }

    /// <summary>Checks options against the store; returns the token and the seeds' ids.</summary>
    internal (TokenInfo Token, uint TokenId, List<uint> SeedIds) Validate(TraceOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var profile = Reader.Profile;
        if (options.Seeds is null || options.Seeds.Count == 0) throw new ArgumentException("No seed address given.", nameof(options));
        if (options.Hops < 1 || options.Hops > TraceOptions.MaxHops)
            throw new ArgumentOutOfRangeException(nameof(options), options.Hops, $"Hops must be between 1 and {TraceOptions.MaxHops}, got {options.Hops}.");
        if ((options.Models & TraceModel.All) == TraceModel.None || (options.Models & ~TraceModel.All) != 0)
            throw new ArgumentException("No valid model given: expected poison, haircut, fifo or lifo.", nameof(options));
        if (options.Direction == TraceDirection.Backward && (options.Models & (TraceModel.Fifo | TraceModel.Lifo)) != 0)
            throw new ArgumentException("Backward tracing supports the poison and haircut models only (FIFO/LIFO have no time-reversed meaning).", nameof(options));
        if (options.SinceBlock is { } since && options.UntilBlock is { } until && since > until)
            throw new ArgumentException($"The window starts after it ends: since block {since} > until block {until}.", nameof(options));
        if (options.SinceBlock > uint.MaxValue) throw new ArgumentOutOfRangeException(nameof(options), options.SinceBlock, "Since block does not fit in 32 bits.");
        if (options.MaxDegree is < 0) throw new ArgumentOutOfRangeException(nameof(options), options.MaxDegree, "Max degree must not be negative.");
        if (options.StopCategories is null) throw new ArgumentException("Stop categories must not be null (use an empty list).", nameof(options));

        TokenInfo token;
        if (options.Token is { } contract)
        {
            token = null!;
            foreach (var t in profile.Tokens) if (t.Contract == contract) token = t;
            token ??= new TokenInfo(profile.Format(contract), contract, 0);
        }
        else token = profile.DefaultToken;
        if (!Reader.TryGetTokenId(token.Contract, out uint tokenId))
            throw new ArgumentException($"Token {profile.Format(token.Contract)} is not indexed in this store.", nameof(options));

        var seedIds = new List<uint>(options.Seeds.Count);
        foreach (var seed in options.Seeds)
        {
            if (seed.IsZero) throw new ArgumentException("The zero address cannot be a seed.", nameof(options));
            if (!Reader.TryGetAddressId(seed, out uint id))
                throw new ArgumentException($"Unknown address {profile.Format(seed)}: it does not appear in this {profile.Name} store.", nameof(options));
            seedIds.Add(id);
        }
        return (token, tokenId, seedIds);
    }
}

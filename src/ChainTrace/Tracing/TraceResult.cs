using ChainTrace.Primitives;

namespace ChainTrace.Tracing;

/// <summary>The role an address plays in a trace.</summary>
public enum TraceRole
{
    /// <summary>A seed (hop 0): all its outflows (forward) or inflows (backward) in the window are traced.</summary>
    Seed = 0,

    /// <summary>An intermediate address that received traced value and may forward it.</summary>
    Intermediate = 1,

    /// <summary>A labelled service in a stop category: absorbs traced value, not expanded.</summary>
    Terminal = 2,

    /// <summary>An unlabelled address over the hub guard's degree: absorbs traced value, not expanded.</summary>
    Hub = 3,

    /// <summary>The zero address: value burned (forward) or minted (backward).</summary>
    ZeroAddress = 4,
}

/// <summary>A whole trace: options echoed, one result per model, and the bands across models.</summary>
/// <param name="Profile">The chain (prints addresses).</param>
/// <param name="Direction">Forward or backward.</param>
/// <param name="Hops">The hop limit.</param>
/// <param name="Seeds">The seed addresses.</param>
/// <param name="Token">The traced token.</param>
/// <param name="SinceBlock">First block of the window, or null.</param>
/// <param name="UntilBlock">Last block of the window, or null.</param>
/// <param name="MinAmount">Dust threshold in base units.</param>
/// <param name="Results">One result per model, in the order poison, haircut, fifo, lifo.</param>
/// <param name="Bands">Per terminal entity, the lowest and highest amount over the models.</param>
/// <param name="Stats">Work done.</param>
public sealed record TraceResult(
    ChainProfile Profile,
    TraceDirection Direction,
    int Hops,
    IReadOnlyList<Address> Seeds,
    TokenInfo Token,
    ulong? SinceBlock,
    ulong? UntilBlock,
    UInt256 MinAmount,
    IReadOnlyList<ModelResult> Results,
    IReadOnlyList<EntityBand> Bands,
    TraceStats Stats)
{
    /// <summary>The result of one model, or null if it was not run.</summary>
    public ModelResult? Get(TraceModel model)
    {
        foreach (var r in Results) if (r.Model == model) return r;
        return null;
    }

    /// <summary>Formats base units in token units ("1.5").</summary>
    public string Format(UInt256 amount) => amount.ToTokenString(Token.Decimals);

    /// <summary>Prints an address the way the chain does.</summary>
    public string Format(Address address) => Profile.Format(address);
}

/// <summary>What one model says.</summary>
/// <param name="Model">The model.</param>
/// <param name="Summary">Totals.</param>
/// <param name="Terminals">Terminals reached, biggest first.</param>
/// <param name="Nodes">Every address reached (seeds included), by hop then biggest received first.</param>
/// <param name="Edges">Traced value per (sender, receiver) pair, biggest first.</param>
/// <param name="Paths">Top paths from a seed to each of the largest terminals.</param>
public sealed record ModelResult(
    TraceModel Model,
    TraceSummary Summary,
    IReadOnlyList<TraceTerminal> Terminals,
    IReadOnlyList<TraceNode> Nodes,
    IReadOnlyList<TraceEdge> Edges,
    IReadOnlyList<TracePath> Paths)
{
    /// <summary>Amount that reached <paramref name="address"/> if it is a terminal of this model, else zero.</summary>
    public UInt256 TerminalAmount(Address address)
    {
        foreach (var t in Terminals) if (t.Address == address) return t.Amount;
        return UInt256.Zero;
    }
}

/// <summary>
/// Totals of one model, in base units. For haircut, FIFO and LIFO,
/// <c>Traced = ReachedTerminals + Held + Dropped</c> (haircut up to rounding); poison multiplies value, so its
/// figures are upper bounds and the identity does not hold (<see cref="UpperBound"/>).
/// </summary>
/// <param name="Traced">Value that left the seeds (forward) or reached them (backward) in the window, seed-to-seed transfers excluded.</param>
/// <param name="ReachedTerminals">Traced value absorbed by terminals (services, hubs, the zero address).</param>
/// <param name="Held">Traced value whose followed trail ends at a non-terminal (seeds included).</param>
/// <param name="Dropped">Traced value carried by transfers below the dust threshold.</param>
/// <param name="UpperBound">True for poison.</param>
/// <param name="TerminalCount">Terminals reached.</param>
/// <param name="NodeCount">Addresses reached, seeds included.</param>
public sealed record TraceSummary(
    UInt256 Traced,
    UInt256 ReachedTerminals,
    UInt256 Held,
    UInt256 Dropped,
    bool UpperBound,
    int TerminalCount,
    int NodeCount);

/// <summary>A terminal reached by traced value.</summary>
/// <param name="Address">The address.</param>
/// <param name="Role">Terminal, Hub or ZeroAddress.</param>
/// <param name="Entity">Entity name (label name; the address for a hub; "burn"/"mint" for the zero address).</param>
/// <param name="Category">Label category ("exchange", …; "hub"; "burn"/"mint").</param>
/// <param name="Amount">Traced value absorbed, base units.</param>
/// <param name="Hops">Least hop at which traced value reached it.</param>
/// <param name="FirstArrival">Position of the first traced arrival.</param>
/// <param name="FirstArrivalTime">Block time of the first arrival (Unix seconds), if known.</param>
/// <param name="Blacklisted">True if the token's issuer blacklisted the address.</param>
public sealed record TraceTerminal(
    Address Address,
    TraceRole Role,
    string Entity,
    string Category,
    UInt256 Amount,
    int Hops,
    Seq FirstArrival,
    long? FirstArrivalTime,
    bool Blacklisted);

/// <summary>An address reached by traced value in one model.</summary>
/// <param name="Address">The address.</param>
/// <param name="Role">Seed, intermediate or terminal kind.</param>
/// <param name="Entity">Name of its first label, if any.</param>
/// <param name="Category">Category of its first label, if any.</param>
/// <param name="Hops">Least hop (0 for seeds).</param>
/// <param name="Received">Traced value received (for seeds: traced value that came back to them).</param>
/// <param name="Held">Traced value whose followed trail ends here (zero for terminals; poison: an upper bound of what is still here).</param>
/// <param name="FirstArrival">First traced arrival (the window start for seeds).</param>
/// <param name="Expanded">True if the address was below the hop limit at some point and its transfers were followed.</param>
/// <param name="Blacklisted">True if the token's issuer blacklisted the address (checked for terminals and for addresses holding traced value).</param>
/// <param name="LastActivity">Its last transfer in the store (for addresses holding traced value), if any.</param>
/// <param name="LastActivityTime">Block time of <paramref name="LastActivity"/>, if known.</param>
public sealed record TraceNode(
    Address Address,
    TraceRole Role,
    string? Entity,
    string? Category,
    int Hops,
    UInt256 Received,
    UInt256 Held,
    Seq FirstArrival,
    bool Expanded,
    bool Blacklisted,
    Seq? LastActivity,
    long? LastActivityTime);

/// <summary>Traced value moved from one address to another (aggregated over their transfers).</summary>
/// <param name="From">Sender (in money's direction: for a backward trace too, From paid To).</param>
/// <param name="To">Receiver.</param>
/// <param name="Amount">Traced value, base units.</param>
/// <param name="Count">Followed transfers.</param>
/// <param name="FirstBlock">Block of the first.</param>
/// <param name="LastBlock">Block of the last.</param>
public sealed record TraceEdge(Address From, Address To, UInt256 Amount, int Count, ulong FirstBlock, ulong LastBlock);

/// <summary>One transfer of a path.</summary>
/// <param name="From">Sender.</param>
/// <param name="To">Receiver.</param>
/// <param name="Amount">Traced value this transfer carried.</param>
/// <param name="Seq">Position.</param>
/// <param name="TxHash">Transaction hash, if stored.</param>
public sealed record PathStep(Address From, Address To, UInt256 Amount, Seq Seq, Hash32? TxHash);

/// <summary>A time-ordered chain of transfers from a seed to a terminal (forward) or from a terminal to a seed (backward).</summary>
/// <param name="Terminal">The terminal.</param>
/// <param name="Entity">The terminal's entity.</param>
/// <param name="Amount">Smallest traced amount along the path (its bottleneck).</param>
/// <param name="Steps">The transfers, in money's direction.</param>
public sealed record TracePath(Address Terminal, string Entity, UInt256 Amount, IReadOnlyList<PathStep> Steps);

/// <summary>Per terminal entity, the range over the models run.</summary>
/// <param name="Entity">Entity name.</param>
/// <param name="Category">Its category.</param>
/// <param name="Min">Lowest amount over the models (zero if some model did not reach it).</param>
/// <param name="Max">Highest amount over the models.</param>
/// <param name="PerModel">Amount per model.</param>
public sealed record EntityBand(string Entity, string Category, UInt256 Min, UInt256 Max, IReadOnlyDictionary<TraceModel, UInt256> PerModel);

/// <summary>Work done by a trace.</summary>
/// <param name="EdgesVisited">Edges read from cursors (out and in).</param>
/// <param name="CursorsOpened">Cursors opened.</param>
/// <param name="Addresses">Addresses touched (seeds, reached, terminals).</param>
/// <param name="Elapsed">Wall time of the engine pass (result building excluded).</param>
/// <param name="AllocatedBytes">Bytes the engine pass allocated on its thread (result building excluded): cursors and
/// buffer growth, nothing per visited edge.</param>
public sealed record TraceStats(long EdgesVisited, int CursorsOpened, int Addresses, TimeSpan Elapsed, long AllocatedBytes = 0);

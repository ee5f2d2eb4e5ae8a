using ChainTrace.Primitives;

namespace ChainTrace.Tracing;

/// <summary>
/// What to trace and how: seeds, direction, hop limit, models, time window, dust threshold, stop categories,
/// hub guard and token. Validated by <see cref="Tracer.Trace"/>; the semantics are in docs/TRACING.md.
/// </summary>
public sealed record TraceOptions
{
    /// <summary>Largest accepted <see cref="Hops"/>.</summary>
    public const int MaxHops = 64;

    /// <summary>Default <see cref="Hops"/>.</summary>
    public const int DefaultHops = 5;

    /// <summary>Default <see cref="MaxDegree"/>: unlabelled addresses with more transfers are hubs.</summary>
    public const int DefaultMaxDegree = 10_000;

    /// <summary>The addresses whose money is traced (hop 0). At least one; duplicates are ignored.</summary>
    public required IReadOnlyList<Address> Seeds { get; init; }

    /// <summary>Forward (where the money went) or backward (where it came from).</summary>
    public TraceDirection Direction { get; init; } = TraceDirection.Forward;

    /// <summary>Hop limit, 1..<see cref="MaxHops"/>: an address forwards traced value only while its hop is below it.</summary>
    public int Hops { get; init; } = DefaultHops;

    /// <summary>Models to run in one pass. Backward tracing supports poison and haircut.</summary>
    public TraceModel Models { get; init; } = TraceModel.Haircut;

    /// <summary>First block of the window (inclusive); null = from the start of the store.</summary>
    public ulong? SinceBlock { get; init; }

    /// <summary>Last block of the window (inclusive); null = to the indexed head.</summary>
    public ulong? UntilBlock { get; init; }

    /// <summary>
    /// Dust threshold in base units: a transfer is followed in a model only when the traced value it carries is
    /// at least this (and at least one base unit); smaller traced amounts are reported as dropped.
    /// </summary>
    public UInt256 MinAmount { get; init; } = UInt256.Zero;

    /// <summary>Label categories that make an address a terminal (case-insensitive).</summary>
    public IReadOnlyList<string> StopCategories { get; init; } = LabelCategories.DefaultStops;

    /// <summary>
    /// Hub guard: an unlabelled address with more than this many transfers of the token (in + out, whole store)
    /// is not expanded and becomes a terminal of category <c>hub</c>. Null disables the guard.
    /// </summary>
    public int? MaxDegree { get; init; } = DefaultMaxDegree;

    /// <summary>
    /// Extra knowledge about addresses the store has no stop label for, e.g. the clusterer's deposit addresses:
    /// returns a label (category + entity name) or null. Consulted once per address reached; an address whose
    /// returned category is in <see cref="StopCategories"/> becomes a terminal.
    /// </summary>
    public Func<Address, AddressLabel?>? ExtraLabel { get; init; }

    /// <summary>Token contract to trace; null = the chain profile's default token (USDT).</summary>
    public Address? Token { get; init; }

    /// <summary>How many top paths to report per terminal (0 = none).</summary>
    public int PathsPerTerminal { get; init; } = 3;

    /// <summary>Paths are built for the largest this-many terminals of each model.</summary>
    public int PathTerminals { get; init; } = 50;

    /// <summary>
    /// Parses a comma-separated list of addresses for <paramref name="profile"/>'s chain, rejecting addresses in
    /// another chain's format (a TRON <c>T…</c> address on Ethereum, a <c>0x…</c> address on TRON).
    /// </summary>
    /// <exception cref="ArgumentException">An entry is not an address of this chain.</exception>
    public static IReadOnlyList<Address> ParseAddresses(string text, Primitives.ChainProfile profile)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(profile);
        var list = new List<Address>();
        foreach (var raw in text.Split([',', '\n', '\r', ' ', '\t', ';'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            list.Add(ParseAddress(raw, profile));
        if (list.Count == 0) throw new ArgumentException("No address given.");
        return list;
    }

    /// <summary>Parses one address for <paramref name="profile"/>'s chain (see <see cref="ParseAddresses"/>).</summary>
    /// <exception cref="ArgumentException">Not an address of this chain.</exception>
    public static Address ParseAddress(string text, Primitives.ChainProfile profile)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(profile);
        text = text.Trim();
        bool tronShaped = text.Length == 34 && text[0] == 'T' || text.Length == 42 && text.StartsWith("41", StringComparison.Ordinal);
        bool hexShaped = text.Length == 42 && (text.StartsWith("0x", StringComparison.Ordinal) || text.StartsWith("0X", StringComparison.Ordinal));
        if (profile.AddressFormat == AddressFormat.Hex && tronShaped)
            throw new ArgumentException($"'{text}' is a TRON address, but this store indexes {profile.Name}.");
        if (profile.AddressFormat == AddressFormat.TronBase58 && hexShaped)
            throw new ArgumentException($"'{text}' is an EVM (0x…) address, but this store indexes {profile.Name}; give TRON addresses as T… or 41… hex.");
        if (!Address.TryParse(text, out var address, out var error))
            throw new ArgumentException($"'{text}' is not an address: {error}.");
        return address;
    }
}

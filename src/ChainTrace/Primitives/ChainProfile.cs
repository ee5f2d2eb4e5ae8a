namespace ChainTrace.Primitives;

/// <summary>A token the indexer knows by name.</summary>
/// <param name="Symbol">Ticker, e.g. USDT.</param>
/// <param name="Contract">Contract address.</param>
/// <param name="Decimals">Decimals of one token unit.</param>
/// <param name="Issuer">
/// Address credited by USDT's <c>Issue</c> and debited by <c>Redeem</c> (the contract owner; the events do not
/// name it). Null when unknown: issuance is then recorded as an event but not as a balance change.
/// </param>
public sealed record TokenInfo(string Symbol, Address Contract, int Decimals, Address? Issuer = null);

/// <summary>What differs between chains: address format, native coin, known tokens, reorg depth.</summary>
/// <param name="Name">Lower-case chain name used on the command line and in the store's meta ("ethereum").</param>
/// <param name="ChainId">EIP-155 chain id (TRON mainnet: 728126428).</param>
/// <param name="AddressFormat">How addresses print.</param>
/// <param name="NativeSymbol">Native coin ticker.</param>
/// <param name="NativeDecimals">Native coin decimals.</param>
/// <param name="Tokens">Known tokens; the first is the default.</param>
/// <param name="Confirmations">Blocks behind head considered final when following a node.</param>
/// <param name="TimestampsInMilliseconds">True when the chain's APIs report block times in milliseconds (TRON).</param>
public sealed record ChainProfile(
    string Name,
    ulong ChainId,
    AddressFormat AddressFormat,
    string NativeSymbol,
    int NativeDecimals,
    IReadOnlyList<TokenInfo> Tokens,
    int Confirmations,
    bool TimestampsInMilliseconds = false)
{
    /// <summary>Ethereum mainnet with USDT.</summary>
    public static readonly ChainProfile Ethereum = new(
        "ethereum", 1, AddressFormat.Hex, "ETH", 18,
        [new TokenInfo("USDT", Address.Parse("0xdAC17F958D2ee523a2206206994597C13D831ec7"), 6,
            Issuer: Address.Parse("0xC6CDE7C39eB2f0F0095F41570af89eFC2C1Ea828"))],
        Confirmations: 64);

    /// <summary>TRON mainnet with USDT (TRC-20).</summary>
    public static readonly ChainProfile Tron = new(
        "tron", 728126428, AddressFormat.TronBase58, "TRX", 6,
        [new TokenInfo("USDT", Address.Parse("TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t"), 6)],
        Confirmations: 20,
        TimestampsInMilliseconds: true);

    /// <summary>All built-in profiles.</summary>
    public static IReadOnlyList<ChainProfile> All { get; } = [Ethereum, Tron];

    /// <summary>Finds a built-in profile by name (case-insensitive).</summary>
    public static ChainProfile Get(string name) =>
        All.FirstOrDefault(p => string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase))
        ?? throw new ArgumentException($"Unknown chain '{name}'. Known: {string.Join(", ", All.Select(p => p.Name))}.");

    /// <summary>The default token (USDT).</summary>
    public TokenInfo DefaultToken => Tokens[0];

    /// <summary>Finds a token by symbol or contract address; null if unknown.</summary>
    public TokenInfo? FindToken(string symbolOrAddress)
    {
        foreach (var t in Tokens)
            if (string.Equals(t.Symbol, symbolOrAddress, StringComparison.OrdinalIgnoreCase)) return t;
        if (Address.TryParse(symbolOrAddress, out var a, out _))
            foreach (var t in Tokens)
                if (t.Contract == a) return t;
        return null;
    }

    /// <summary>Prints an address the way this chain does.</summary>
    public string Format(Address address) => address.ToString(AddressFormat);
}

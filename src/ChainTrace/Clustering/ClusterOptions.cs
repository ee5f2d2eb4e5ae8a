using ChainTrace.Primitives;

namespace ChainTrace.Clustering;

/// <summary>Parameters of the deposit-address-reuse heuristic (Victor, FC 2020). See docs/CLUSTERING.md.</summary>
public sealed record DepositReuseOptions
{
    /// <summary>
    /// Minimum share of what D received that it must have forwarded to its one target in matching sweeps
    /// (0..1, default 0.95). Inflows not yet followed by an outflow and still inside the delay window are not judged.
    /// </summary>
    public double MinForwardShare { get; init; } = 0.95;

    /// <summary>A sweep must move what D holds (what it received, plus dust left by earlier sweeps) within this relative tolerance (default 0.01).</summary>
    public double AmountTolerance { get; init; } = 0.01;

    /// <summary>A sweep must leave D at most this many blocks after the oldest unswept inflow (default 7200: one day on Ethereum, six hours on TRON).</summary>
    public uint MaxSweepDelayBlocks { get; init; } = 7200;

    /// <summary>
    /// Detect hot wallets that are not labelled: an address is a hot wallet when at least this many addresses
    /// sweep into it (default 5). 0 disables detection (only targets labelled with <see cref="HotWalletCategories"/> count).
    /// </summary>
    public int MinDepositsForDetectedHotWallet { get; init; } = 5;

    /// <summary>
    /// A deposit candidate with more distinct senders than this is not one customer's address but a collector
    /// (payment processor, shared address): it is rejected, its senders are not linked (default 16).
    /// </summary>
    public int MaxSendersPerDeposit { get; init; } = 16;

    /// <summary>Label categories that make an address a hot wallet by itself (default: exchange).</summary>
    public IReadOnlyList<string> HotWalletCategories { get; init; } = [LabelCategories.Exchange];

    /// <summary>
    /// Also put the deposit address itself in its customer's cluster (default false: the address is the
    /// exchange's, by key; the customers who pay into it are merged with each other). True treats it as the
    /// customer's account, the way some investigators read it.
    /// </summary>
    public bool LinkDepositAddressToCustomer { get; init; }

    /// <summary>Token whose transfers the heuristic watches (symbol or contract; null: the chain's default token, USDT).</summary>
    public string? Token { get; init; }
}

/// <summary>Parameters of the gas-funding heuristic. See docs/CLUSTERING.md.</summary>
public sealed record GasFundingOptions
{
    /// <summary>
    /// A funder that gave the first native coin to more fresh addresses than this is a service (exchange
    /// withdrawals, faucets, gas stations): none of its fundings link (default 100).
    /// </summary>
    public int MaxFundedPerFunder { get; init; } = 100;

    /// <summary>The funded address must move tokens within this many blocks of the funding (default: no bound, 0).</summary>
    public uint MaxFundToMoveBlocks { get; init; }
}

/// <summary>Parameters of the approval (token authorisation) heuristic. See docs/CLUSTERING.md.</summary>
public sealed record ApprovalOptions
{
    /// <summary>
    /// A spender approved by more distinct owners than this is a service or a drainer, not the owners' second
    /// wallet: its transferFroms do not link (default 4).
    /// </summary>
    public int MaxOwnersPerSpender { get; init; } = 4;
}

/// <summary>What a clustering run does. Every heuristic can be switched off; each has its own parameters.</summary>
public sealed record ClusterOptions
{
    /// <summary>Heuristics to run (default all).</summary>
    public LinkHeuristics Heuristics { get; init; } = LinkHeuristics.All;

    /// <summary>Deposit-address-reuse parameters.</summary>
    public DepositReuseOptions Deposit { get; init; } = new();

    /// <summary>Gas-funding parameters.</summary>
    public GasFundingOptions Gas { get; init; } = new();

    /// <summary>Approval parameters.</summary>
    public ApprovalOptions Approval { get; init; } = new();

    /// <summary>Label categories of services: such addresses are never a customer, funder or spender in a link, and two clusters labelled as different services are never merged (default exchange, otc, bridge, mixer).</summary>
    public IReadOnlyList<string> ServiceCategories { get; init; } = [LabelCategories.Exchange, LabelCategories.Otc, LabelCategories.Bridge, LabelCategories.Mixer];

    /// <summary>Clusters with at least this many members are reported as giant (default 10,000).</summary>
    public int GiantClusterSize { get; init; } = 10_000;

    /// <summary>How many refused links, conflicts and giant clusters a result lists in full (the counts are always exact).</summary>
    public int MaxReported { get; init; } = 100;

    /// <summary>A stable text of every parameter: an incremental update with different options rebuilds fully.</summary>
    public string Fingerprint() => string.Join(';',
        LinkHeuristicNames.Format(Heuristics),
        Deposit.MinForwardShare.ToString("R", System.Globalization.CultureInfo.InvariantCulture),
        Deposit.AmountTolerance.ToString("R", System.Globalization.CultureInfo.InvariantCulture),
        Deposit.MaxSweepDelayBlocks, Deposit.MinDepositsForDetectedHotWallet, Deposit.MaxSendersPerDeposit,
        string.Join(',', Deposit.HotWalletCategories), Deposit.LinkDepositAddressToCustomer, Deposit.Token ?? "",
        Gas.MaxFundedPerFunder, Gas.MaxFundToMoveBlocks, Approval.MaxOwnersPerSpender,
        string.Join(',', ServiceCategories));
}

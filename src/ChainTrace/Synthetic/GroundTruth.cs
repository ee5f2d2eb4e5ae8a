using System.Numerics;
using System.Text.Json;

namespace ChainTrace.Synthetic;

/// <summary>
/// The generator's own knowledge of a synthetic history (<c>ground-truth.json</c>): who owns which address,
/// which links a perfect clusterer makes, and the exact answer of each planted laundering case per taint model.
/// The schema is documented in docs/SYNTH.md. Addresses are lower-case 0x hex; amounts are base-unit decimal strings.
/// </summary>
/// <param name="SchemaVersion">Schema version (1).</param>
/// <param name="Run">Options and constants of the run.</param>
/// <param name="Totals">What was written.</param>
/// <param name="Entities">Every owner with the addresses it controls that appear on chain.</param>
/// <param name="DepositAddresses">Every exchange deposit address, its user and the user's addresses that paid into it.</param>
/// <param name="GasFunders">Every address that paid native coin for others' gas.</param>
/// <param name="Approvals">Every (owner, spender) approval pair.</param>
/// <param name="Blacklisted">Every AddedBlackList event.</param>
/// <param name="Cases">The planted laundering cases and their expected results.</param>
public sealed record GroundTruth(
    int SchemaVersion,
    TruthRun Run,
    TruthTotals Totals,
    IReadOnlyList<TruthEntity> Entities,
    IReadOnlyList<TruthDeposit> DepositAddresses,
    IReadOnlyList<TruthGasFunder> GasFunders,
    IReadOnlyList<TruthApproval> Approvals,
    IReadOnlyList<TruthBlacklisting> Blacklisted,
    IReadOnlyList<TruthCase> Cases)
{
    /// <summary>The four taint models, in the order the ground truth lists them.</summary>
    public static IReadOnlyList<string> ModelNames { get; } = ["poison", "haircut", "fifo", "lifo"];

    private static readonly JsonSerializerOptions SerializerOptions = new(JsonSerializerDefaults.Web);

    /// <summary>Reads a <c>ground-truth.json</c> file.</summary>
    public static GroundTruth Load(string path)
    {
        using var stream = File.OpenRead(path);
        return JsonSerializer.Deserialize<GroundTruth>(stream, SerializerOptions)
            ?? throw new InvalidDataException($"{path}: empty ground truth.");
    }
}

/// <summary>Options and constants of the run.</summary>
/// <param name="Seed">Seed.</param>
/// <param name="Transfers">Requested (and written) token transfers.</param>
/// <param name="Profile">Chain profile name.</param>
/// <param name="ChainId">Chain id.</param>
/// <param name="Token">Token contract.</param>
/// <param name="Decimals">Token decimals.</param>
/// <param name="Issuer">The profile's issuer (credited by Issue logs), or null when issuance is a Transfer from 0.</param>
/// <param name="Treasury">The treasury address (equal to the issuer when there is one).</param>
/// <param name="StartBlock">First block.</param>
/// <param name="EndBlock">Last block.</param>
/// <param name="StartTimestamp">Unix seconds of the first block.</param>
/// <param name="BlockSeconds">Seconds between blocks.</param>
/// <param name="TimestampsInMilliseconds">True when the data files carry milliseconds (TRON).</param>
/// <param name="MaxSweepDelayBlocks">A deposit address sweeps what it receives within this many blocks.</param>
/// <param name="MinSweepPercent">A sweep moves at least this share of the deposit address's balance.</param>
/// <param name="LogsBlocksPerLine">Blocks covered by each eth_getLogs line of logs.jsonl.</param>
public sealed record TruthRun(
    int Seed, long Transfers, string Profile, ulong ChainId, string Token, int Decimals, string? Issuer, string Treasury,
    ulong StartBlock, ulong EndBlock, long StartTimestamp, int BlockSeconds, bool TimestampsInMilliseconds,
    int MaxSweepDelayBlocks, int MinSweepPercent, int LogsBlocksPerLine);

/// <summary>Counts of what was written.</summary>
/// <param name="Transfers">Transfer logs.</param>
/// <param name="Blocks">Blocks.</param>
/// <param name="Transactions">Transactions.</param>
/// <param name="NativeTransfers">Transactions carrying native value.</param>
/// <param name="Approvals">Approval logs.</param>
/// <param name="Issues">Issuance events (Issue logs, or mint Transfers from 0).</param>
/// <param name="Issued">Total issued, base units.</param>
/// <param name="Blacklistings">AddedBlackList logs.</param>
/// <param name="Addresses">Distinct addresses that appear (excluding the token contract, the zero address and the miner).</param>
public sealed record TruthTotals(long Transfers, long Blocks, long Transactions, long NativeTransfers, long Approvals, long Issues, string Issued, long Blacklistings, long Addresses);

/// <summary>An owner of addresses.</summary>
/// <param name="Id">Stable id ("exchange-3", "customer-17", "case-2-scam").</param>
/// <param name="Kind">exchange | otc | customer | operator | victim | scam | service | treasury.</param>
/// <param name="Name">Human-readable name.</param>
/// <param name="Labelled">True when at least one of its addresses is in labels.csv.</param>
/// <param name="Addresses">Every address it controls that appears on chain (for exchanges: hot wallets and deposit addresses).</param>
/// <param name="HotWallets">Exchanges: hot wallets.</param>
/// <param name="DepositAddresses">Exchanges: the deposit addresses they own.</param>
/// <param name="UsesDepositAddresses">Users of exchanges: the deposit addresses (owned by the exchange) they pay into.</param>
public sealed record TruthEntity(
    string Id, string Kind, string Name, bool Labelled, IReadOnlyList<string> Addresses,
    IReadOnlyList<string>? HotWallets, IReadOnlyList<string>? DepositAddresses, IReadOnlyList<string>? UsesDepositAddresses);

/// <summary>An exchange deposit address.</summary>
/// <param name="Address">The deposit address.</param>
/// <param name="Exchange">Owning exchange entity id.</param>
/// <param name="User">Entity id of the customer account it belongs to.</param>
/// <param name="SweepsTo">The hot wallet it sweeps into.</param>
/// <param name="Senders">Addresses that paid into it (all controlled by <paramref name="User"/>).</param>
public sealed record TruthDeposit(string Address, string Exchange, string User, string SweepsTo, IReadOnlyList<string> Senders);

/// <summary>An address that paid gas (native coin) to fresh addresses.</summary>
/// <param name="Funder">The funder.</param>
/// <param name="Entity">Its owner.</param>
/// <param name="Kind">Its owner's kind.</param>
/// <param name="ShouldMerge">True when the funder and every funded address share an owner and none is a deposit address (operators, scam operations); false for services (exchanges, gas stations) that fund strangers.</param>
/// <param name="FundedCount">Number of funding transactions.</param>
/// <param name="Funded">The funded addresses when <paramref name="ShouldMerge"/>; null for services.</param>
public sealed record TruthGasFunder(string Funder, string Entity, string Kind, bool ShouldMerge, int FundedCount, IReadOnlyList<string>? Funded);

/// <summary>An approval pair.</summary>
/// <param name="Owner">Token owner.</param>
/// <param name="Spender">Approved spender.</param>
/// <param name="ShouldMerge">True when owner and spender share an owner entity.</param>
/// <param name="SpenderSendsTx">True when the spender itself sends the transferFrom transactions (tx.from = spender ≠ owner).</param>
public sealed record TruthApproval(string Owner, string Spender, bool ShouldMerge, bool SpenderSendsTx);

/// <summary>A blacklisting.</summary>
/// <param name="Address">Blacklisted address.</param>
/// <param name="Block">Block of the AddedBlackList log.</param>
/// <param name="Entity">Its owner.</param>
public sealed record TruthBlacklisting(string Address, ulong Block, string Entity);

/// <summary>A planted laundering case.</summary>
/// <param name="Id">"case-N".</param>
/// <param name="Kind">peel-chain | fan-out-fan-in | mixing | blacklisted-end.</param>
/// <param name="Scam">Entity id of the operation.</param>
/// <param name="Seeds">Trace seeds (hop 0): the collector address(es).</param>
/// <param name="Victims">Victims' payments to the seeds.</param>
/// <param name="Seeded">Sum of the victims' payments: the traced amount.</param>
/// <param name="MaxHops">Hops needed to reach every terminal and holder; any larger limit gives the same answer.</param>
/// <param name="FromBlock">Block of the first victim payment.</param>
/// <param name="ToBlock">Block of the case's last token movement; any later end gives the same answer.</param>
/// <param name="FromTimestamp">Unix seconds of <paramref name="FromBlock"/>.</param>
/// <param name="ToTimestamp">Unix seconds of <paramref name="ToBlock"/>.</param>
/// <param name="Addresses">Case addresses with their role and hop (−1: never reached by taint).</param>
/// <param name="Expected">Expected result per model: poison, haircut, fifo, lifo.</param>
public sealed record TruthCase(
    string Id, string Kind, string Scam, IReadOnlyList<string> Seeds, IReadOnlyList<TruthVictim> Victims, string Seeded,
    int MaxHops, ulong FromBlock, ulong ToBlock, long FromTimestamp, long ToTimestamp,
    IReadOnlyList<TruthCaseAddress> Addresses, IReadOnlyDictionary<string, TruthModelResult> Expected);

/// <summary>A victim's payment.</summary>
/// <param name="Entity">Victim entity id.</param>
/// <param name="Address">Victim address.</param>
/// <param name="Amount">Paid to the seed, base units.</param>
public sealed record TruthVictim(string Entity, string Address, string Amount);

/// <summary>An address of a case.</summary>
/// <param name="Address">The address.</param>
/// <param name="Role">collector | peel-hop | burner | aggregator | spender | pass-through | mixing-intermediary | earlier-supplier | supplier | blacklisted-final | deposit.</param>
/// <param name="Hop">Hop at which taint first reaches it (seeds 0); −1 when never reached.</param>
/// <param name="Entity">Owner entity id.</param>
public sealed record TruthCaseAddress(string Address, string Role, int Hop, string Entity);

/// <summary>Where the seeded amount ends under one model.</summary>
/// <param name="TotalTerminal">Sum over terminals.</param>
/// <param name="TotalHeld">Sum over holders.</param>
/// <param name="Terminals">Terminal entities reached (exchanges via deposit addresses or labelled hot wallets, OTC desks).</param>
/// <param name="Held">Tainted amounts still sitting at non-terminal addresses at the end.</param>
public sealed record TruthModelResult(string TotalTerminal, string TotalHeld, IReadOnlyList<TruthTerminal> Terminals, IReadOnlyList<TruthHeld> Held)
{
    /// <summary><see cref="TotalTerminal"/> as a number.</summary>
    public BigInteger TerminalAmount => BigInteger.Parse(TotalTerminal, System.Globalization.CultureInfo.InvariantCulture);

    /// <summary><see cref="TotalHeld"/> as a number.</summary>
    public BigInteger HeldAmount => BigInteger.Parse(TotalHeld, System.Globalization.CultureInfo.InvariantCulture);
}

/// <summary>A terminal entity and the amount that reached it.</summary>
/// <param name="Entity">Entity id.</param>
/// <param name="Kind">Entity kind (exchange, otc).</param>
/// <param name="Amount">Total reaching it, base units.</param>
/// <param name="Via">Per receiving address.</param>
public sealed record TruthTerminal(string Entity, string Kind, string Amount, IReadOnlyList<TruthVia> Via);

/// <summary>A terminal address and the amount it received.</summary>
/// <param name="Address">The address.</param>
/// <param name="Kind">deposit | hot-wallet | otc.</param>
/// <param name="Amount">Base units.</param>
public sealed record TruthVia(string Address, string Kind, string Amount);

/// <summary>A tainted holding at a non-terminal address.</summary>
/// <param name="Address">The address.</param>
/// <param name="Entity">Its owner.</param>
/// <param name="Amount">Base units.</param>
/// <param name="Blacklisted">True when Tether blacklisted the address (funds frozen).</param>
public sealed record TruthHeld(string Address, string Entity, string Amount, bool Blacklisted);

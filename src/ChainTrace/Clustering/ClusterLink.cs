using ChainTrace.Primitives;

namespace ChainTrace.Clustering;

/// <summary>The heuristic that produced a link.</summary>
public enum LinkHeuristic : byte
{
    /// <summary>Deposit-address reuse: the member sent tokens to the anchor, a deposit address that sweeps to an exchange hot wallet.</summary>
    DepositReuse = 1,
    /// <summary>Gas funding: the anchor paid the first native coin of the member, a fresh address that then moved tokens.</summary>
    GasFunding = 2,
    /// <summary>Token authorisation: the member approved the anchor, which then moved the member's tokens with transferFrom.</summary>
    Approval = 3,
}

/// <summary>A set of heuristics (command line: <c>deposit,gas,approval</c>).</summary>
[Flags]
public enum LinkHeuristics : byte
{
    /// <summary>No heuristic.</summary>
    None = 0,
    /// <summary><see cref="LinkHeuristic.DepositReuse"/>.</summary>
    DepositReuse = 1 << 0,
    /// <summary><see cref="LinkHeuristic.GasFunding"/>.</summary>
    GasFunding = 1 << 1,
    /// <summary><see cref="LinkHeuristic.Approval"/>.</summary>
    Approval = 1 << 2,
    /// <summary>Every heuristic.</summary>
    All = DepositReuse | GasFunding | Approval,
}

/// <summary>Names and parsing of heuristics.</summary>
public static class LinkHeuristicNames
{
    /// <summary>The short name used on the command line and in exports: deposit, gas, approval.</summary>
    public static string ToName(this LinkHeuristic heuristic) => heuristic switch
    {
        LinkHeuristic.DepositReuse => "deposit",
        LinkHeuristic.GasFunding => "gas",
        LinkHeuristic.Approval => "approval",
        _ => "unknown",
    };

    /// <summary>The flag of one heuristic.</summary>
    public static LinkHeuristics ToFlag(this LinkHeuristic heuristic) => (LinkHeuristics)(1 << ((int)heuristic - 1));

    /// <summary>Every single heuristic, in order.</summary>
    public static IReadOnlyList<LinkHeuristic> Each { get; } = [LinkHeuristic.DepositReuse, LinkHeuristic.GasFunding, LinkHeuristic.Approval];

    /// <summary>Parses a comma-separated list such as <c>deposit,gas</c> (also <c>all</c>, <c>none</c>).</summary>
    public static bool TryParse(string? text, out LinkHeuristics heuristics, out string? error)
    {
        heuristics = LinkHeuristics.None;
        error = null;
        if (string.IsNullOrWhiteSpace(text)) { heuristics = LinkHeuristics.All; return true; }
        foreach (var raw in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            switch (raw.ToLowerInvariant())
            {
                case "deposit": case "deposit-reuse": heuristics |= LinkHeuristics.DepositReuse; break;
                case "gas": case "gas-funding": heuristics |= LinkHeuristics.GasFunding; break;
                case "approval": case "approvals": heuristics |= LinkHeuristics.Approval; break;
                case "all": heuristics |= LinkHeuristics.All; break;
                case "none": break;
                default:
                    error = $"Unknown heuristic '{raw}'. Known: deposit, gas, approval, all, none.";
                    return false;
            }
        }
        return true;
    }

    /// <summary>Formats a set as <c>deposit,gas,approval</c>.</summary>
    public static string Format(LinkHeuristics heuristics)
    {
        var parts = new List<string>(3);
        foreach (var h in Each) if ((heuristics & h.ToFlag()) != 0) parts.Add(h.ToName());
        return parts.Count == 0 ? "none" : string.Join(',', parts);
    }
}

/// <summary>
/// Evidence that two addresses belong to one owner. Links are stars around an anchor: a deposit address (its
/// customers are members), a gas funder (its funded addresses are members) or an approved spender (the owners
/// whose tokens it moved are members). <see cref="Evidence"/> and <see cref="Evidence2"/> are the seqs of the
/// two events that justify the link (see <see cref="LinkHeuristic"/>):
/// deposit: member → anchor transfer, then the anchor's sweep to the hot wallet;
/// gas: the anchor's native transfer to the member, then the member's first token transfer;
/// approval: the member's Approval of the anchor, then the Transfer out of the member in a tx sent by the anchor.
/// </summary>
/// <param name="Heuristic">Which heuristic.</param>
/// <param name="Anchor">Address id of the star's centre.</param>
/// <param name="Member">Address id of the other end.</param>
/// <param name="Evidence">First justifying event.</param>
/// <param name="Evidence2">Second justifying event.</param>
public readonly record struct ClusterLink(LinkHeuristic Heuristic, uint Anchor, uint Member, Seq Evidence, Seq Evidence2)
{
    /// <summary>The end of the link that is not <paramref name="id"/>.</summary>
    public uint Other(uint id) => id == Anchor ? Member : Anchor;

    /// <summary>Orders links by (heuristic, anchor, member): the order links are stored and replayed in.</summary>
    public static int CompareKey(ClusterLink x, ClusterLink y)
    {
        int c = x.Heuristic.CompareTo(y.Heuristic);
        if (c != 0) return c;
        c = x.Anchor.CompareTo(y.Anchor);
        return c != 0 ? c : x.Member.CompareTo(y.Member);
    }
}

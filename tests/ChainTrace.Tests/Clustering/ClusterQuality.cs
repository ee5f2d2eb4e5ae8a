using ChainTrace.Clustering;
using ChainTrace.Primitives;
using ChainTrace.Storage;
using ChainTrace.Synthetic;

namespace ChainTrace.Tests.Clustering;

/// <summary>
/// Scores clusters against the synthetic generator's ground truth. Precision: of the address pairs we put in one
/// cluster, the share that have one owner. Recall: of the same-owner pairs a perfect clusterer could find with
/// these heuristics (the customers paying into one deposit address, a merging gas funder with what it funded, an
/// approval pair whose spender sends the transferFrom), the share we put in one cluster. As docs/SYNTH.md says,
/// the cluster key of an address is its owner, except a deposit address, which must stay alone.
/// </summary>
internal sealed record ClusterQuality(
    double Precision, double Recall, long PredictedPairs, long CorrectPairs, long ExpectedPairs, long FoundPairs,
    int ExchangeCustomerMerges, int DepositWithHotWallet, string Worst,
    int DepositsFound, int DepositsTrue, int DepositsWrong, int DepositsWrongExchange)
{
    public static ClusterQuality Measure(IChainReader reader, IClusterStore clusters, GroundTruth truth)
    {
        var owner = new Dictionary<uint, int>();
        var kind = new List<string>();
        for (int e = 0; e < truth.Entities.Count; e++)
        {
            kind.Add(truth.Entities[e].Kind);
            foreach (var a in truth.Entities[e].Addresses)
                if (reader.TryGetAddressId(Address.Parse(a), out uint id)) owner[id] = e;
        }
        var truthDeposits = new Dictionary<uint, string>();
        foreach (var d in truth.DepositAddresses)
            if (reader.TryGetAddressId(Address.Parse(d.Address), out uint id)) truthDeposits[id] = d.Exchange;
        // Unknown addresses and deposit addresses are their own cluster key.
        int Owner(uint id) => !truthDeposits.ContainsKey(id) && owner.TryGetValue(id, out int e) ? e : -(int)id - 1;

        // Precision over our clusters.
        long predicted = 0, correct = 0;
        int mixed = 0;
        string worst = "";
        long worstWrong = 0;
        foreach (var (cid, header) in clusters.ScanClusters())
        {
            var byOwner = new Dictionary<int, long>();
            foreach (uint m in clusters.GetMembers(cid)) byOwner[Owner(m)] = byOwner.GetValueOrDefault(Owner(m)) + 1;
            long size = header.Size, pairs = size * (size - 1) / 2, same = 0;
            foreach (long c in byOwner.Values) same += c * (c - 1) / 2;
            predicted += pairs;
            correct += same;
            if (pairs - same > worstWrong)
            {
                worstWrong = pairs - same;
                worst = $"cluster {cid} (size {size}): " + string.Join(", ", byOwner.OrderByDescending(x => x.Value).Take(6)
                    .Select(x => $"{(x.Key >= 0 ? truth.Entities[x.Key].Id : "unknown")}×{x.Value}"));
            }
            bool exchange = byOwner.Keys.Any(o => o >= 0 && kind[o] == "exchange");
            bool other = byOwner.Keys.Any(o => o < 0 || kind[o] != "exchange");
            if (exchange && other) mixed++;
        }

        // Recall over what the heuristics can see.
        var expected = new UnionFind((int)reader.AddressCount + 1);
        uint Id(string a) => reader.TryGetAddressId(Address.Parse(a), out uint id) ? id : 0;
        void Join(string a, string b)
        {
            uint x = Id(a), y = Id(b);
            if (x != 0 && y != 0) expected.Union(x, y);
        }
        foreach (var d in truth.DepositAddresses)
            for (int i = 1; i < d.Senders.Count; i++) Join(d.Senders[0], d.Senders[i]);
        foreach (var g in truth.GasFunders)
            if (g.ShouldMerge && g.Funded is { } funded) foreach (var f in funded) Join(g.Funder, f);
        foreach (var a in truth.Approvals)
            if (a.ShouldMerge && a.SpenderSendsTx) Join(a.Owner, a.Spender);
        var groups = new Dictionary<uint, List<uint>>();
        for (uint i = 1; i <= reader.AddressCount; i++)
        {
            uint r = expected.Find(i);
            if (!groups.TryGetValue(r, out var list)) groups[r] = list = [];
            list.Add(i);
        }
        long expectedPairs = 0, together = 0;
        foreach (var list in groups.Values)
        {
            if (list.Count < 2) continue;
            expectedPairs += (long)list.Count * (list.Count - 1) / 2;
            foreach (var n in list.GroupBy(clusters.GetClusterId).Select(g => (long)g.Count())) together += n * (n - 1) / 2;
        }

        int depositWithHot = 0, found = 0, wrong = 0, wrongExchange = 0;
        foreach (var d in clusters.ScanDeposits())
        {
            found++;
            if (clusters.GetClusterId(d.Deposit) == clusters.GetClusterId(d.HotWallet)) depositWithHot++;
            if (!truthDeposits.TryGetValue(d.Deposit, out var exchange)) wrong++;
            else if (!owner.TryGetValue(d.HotWallet, out int e) || truth.Entities[e].Id != exchange) wrongExchange++;
        }

        return new ClusterQuality(
            predicted == 0 ? 1 : (double)correct / predicted,
            expectedPairs == 0 ? 1 : (double)together / expectedPairs,
            predicted, correct, expectedPairs, together, mixed, depositWithHot, worst,
            found, truthDeposits.Count, wrong, wrongExchange);
    }

    public override string ToString() =>
        $"precision {Precision:F4} ({CorrectPairs}/{PredictedPairs} pairs), recall {Recall:F4} ({FoundPairs}/{ExpectedPairs}), " +
        $"exchange+other clusters {ExchangeCustomerMerges}, deposit with its hot wallet {DepositWithHotWallet}; " +
        $"deposit addresses found {DepositsFound} of {DepositsTrue} ({DepositsWrong} not deposits, {DepositsWrongExchange} wrong exchange); worst {Worst}";
}

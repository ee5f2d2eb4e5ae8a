using Xunit;
using System.Globalization;
using System.Numerics;
using ChainTrace.Primitives;
using ChainTrace.Synthetic;
using ChainTrace.Tests.Support;

namespace ChainTrace.Tests.Synthetic;

/// <summary>
/// The ground truth agrees with the generated data, checked independently: the reference tracer replays the parsed
/// logs and must land exactly on the generator's per-model answers; sweeps, gas funding, labels and ownership are
/// re-derived from the files.
/// </summary>
public sealed class SynthGroundTruthTests(Synth10kFixture small, Synth100kFixture large)
    : IClassFixture<Synth10kFixture>, IClassFixture<Synth100kFixture>
{
    private static readonly TaintModel[] Models = [TaintModel.Poison, TaintModel.Haircut, TaintModel.Fifo, TaintModel.Lifo];

    private static BigInteger Int(string s) => BigInteger.Parse(s, CultureInfo.InvariantCulture);

    private static Dictionary<Address, BigInteger> ToIntegers(IReadOnlyDictionary<Address, Fraction> d) =>
        d.ToDictionary(kv => kv.Key, kv =>
        {
            Assert.True(kv.Value.Denominator.IsOne, $"{kv.Key}: non-integer taint {kv.Value}");
            return kv.Value.Numerator;
        });

    private static void AssertSameAmounts(Dictionary<Address, BigInteger> expected, Dictionary<Address, BigInteger> actual, string what)
    {
        foreach (var (a, v) in expected)
            Assert.True(actual.TryGetValue(a, out var got) && got == v, $"{what}: {a} expected {v}, reference tracer {(actual.TryGetValue(a, out var g) ? g.ToString(CultureInfo.InvariantCulture) : "nothing")}");
        foreach (var a in actual.Keys) Assert.True(expected.ContainsKey(a), $"{what}: reference tracer reaches {a} = {actual[a]}, ground truth does not list it");
    }

    /// <summary>Replays every case under every model with the reference tracer and compares with the ground truth.</summary>
    internal static void AssertCasesMatchReferenceTracer(SynthOutput output)
    {
        var history = output.History();
        var terminals = output.Terminals();
        Assert.NotEmpty(output.Truth.Cases);
        foreach (var c in output.Truth.Cases)
        {
            var seeds = c.Seeds.Select(Address.Parse).ToList();
            var from = Seq.BlockStart(c.FromBlock);
            var to = Seq.From(c.ToBlock, ushort.MaxValue, ushort.MaxValue);
            Assert.Equal(c.Victims.Aggregate(BigInteger.Zero, (s, v) => s + Int(v.Amount)), Int(c.Seeded));
            Assert.True(c.Victims.Select(v => v.Address).Distinct().Count() >= 3, "several distinct victims");
            foreach (var model in Models)
            {
                string name = model.ToString().ToLowerInvariant();
                var expected = c.Expected[name];
                var r = ReferenceTracer.Trace(history, seeds, terminals.Contains, c.MaxHops, from, to, model);
                var expTerminals = expected.Terminals.SelectMany(t => t.Via).ToDictionary(v => Address.Parse(v.Address), v => Int(v.Amount));
                var expHeld = expected.Held.ToDictionary(h => Address.Parse(h.Address), h => Int(h.Amount));
                AssertSameAmounts(expTerminals, ToIntegers(r.Terminals), $"{c.Id} {name} terminals");
                AssertSameAmounts(expHeld, ToIntegers(r.Held), $"{c.Id} {name} held");
                Assert.Equal(expTerminals.Values.Aggregate(BigInteger.Zero, (s, v) => s + v), expected.TerminalAmount);
                Assert.Equal(expHeld.Values.Aggregate(BigInteger.Zero, (s, v) => s + v), expected.HeldAmount);
                foreach (var t in expected.Terminals)
                    Assert.Equal(Int(t.Amount), t.Via.Aggregate(BigInteger.Zero, (s, v) => s + Int(v.Amount)));
                if (model != TaintModel.Poison)
                    Assert.Equal(Int(c.Seeded), expected.TerminalAmount + expected.HeldAmount); // conservation
                else
                    Assert.True(expected.TerminalAmount + expected.HeldAmount >= Int(c.Seeded)); // poison is an upper bound

                // The answer does not depend on the window's end (nothing touches case addresses afterwards) nor on a
                // larger hop limit, and the stated hop limit is needed.
                var later = ReferenceTracer.Trace(history, seeds, terminals.Contains, c.MaxHops + 3, from, Seq.MaxValue, model);
                AssertSameAmounts(expTerminals, ToIntegers(later.Terminals), $"{c.Id} {name} terminals, open window");
                AssertSameAmounts(expHeld, ToIntegers(later.Held), $"{c.Id} {name} held, open window");
                if (model == TaintModel.Poison)
                {
                    var shorter = ReferenceTracer.Trace(history, seeds, terminals.Contains, c.MaxHops - 1, from, to, model);
                    Assert.NotEqual(expected.TerminalAmount, shorter.Terminals.Values.Aggregate(Fraction.Zero, (s, v) => s + v).Numerator);
                    foreach (var a in c.Addresses)
                    {
                        var addr = Address.Parse(a.Address);
                        if (a.Hop >= 0) Assert.True(r.Hops.TryGetValue(addr, out int hop) && hop == a.Hop, $"{c.Id}: {a.Role} hop {a.Hop}, reference {(r.Hops.TryGetValue(addr, out int h) ? h : -1)}");
                        else Assert.False(r.Hops.ContainsKey(addr), $"{c.Id}: {a.Role} should not be reached");
                    }
                }
            }
        }
    }

    [Fact]
    public void Cases_10k_MatchReferenceTracer_ForEveryModel() => AssertCasesMatchReferenceTracer(small.Output);

    /// <summary>
    /// All cases of a larger run traced at once (their addresses are disjoint, so one trace from every seed with an
    /// open window must give the sum of the per-case answers): one replay per model keeps the test fast.
    /// </summary>
    [Fact]
    public void Cases_100k_MatchReferenceTracer_AllSeedsAtOnce()
    {
        var output = large.Output;
        var history = output.History();
        var terminals = output.Terminals();
        var cases = output.Truth.Cases;
        Assert.True(cases.Count >= 8);
        var seeds = cases.SelectMany(c => c.Seeds).Select(Address.Parse).ToList();
        var from = Seq.BlockStart(cases.Min(c => c.FromBlock));
        int hops = cases.Max(c => c.MaxHops);
        foreach (var model in Models)
        {
            string name = model.ToString().ToLowerInvariant();
            var expTerminals = new Dictionary<Address, BigInteger>();
            var expHeld = new Dictionary<Address, BigInteger>();
            foreach (var c in cases)
            {
                foreach (var v in c.Expected[name].Terminals.SelectMany(t => t.Via))
                    expTerminals[Address.Parse(v.Address)] = expTerminals.GetValueOrDefault(Address.Parse(v.Address)) + Int(v.Amount);
                foreach (var h in c.Expected[name].Held)
                    expHeld.Add(Address.Parse(h.Address), Int(h.Amount));
            }
            var r = ReferenceTracer.Trace(history, seeds, terminals.Contains, hops, from, Seq.MaxValue, model);
            AssertSameAmounts(expTerminals, ToIntegers(r.Terminals), $"all cases {name} terminals");
            AssertSameAmounts(expHeld, ToIntegers(r.Held), $"all cases {name} held");
        }
    }

    [Fact]
    public void Cases_Tron_MatchReferenceTracer_ForEveryModel()
    {
        using var dir = new SynthTempDir();
        AssertCasesMatchReferenceTracer(SynthOutput.Generate(new SynthOptions { Profile = ChainProfile.Tron, Seed = 21 }, dir.Path, blocks: false));
    }

    [Fact]
    public void Cases_PlantEveryKind_AndTheMixingCaseSeparatesTheModels()
    {
        var truth = small.Output.Truth;
        Assert.Equal(SynthCaseKinds, truth.Cases.Select(c => c.Kind).Distinct().Order());
        foreach (var mixing in truth.Cases.Where(c => c.Kind == "mixing"))
        {
            var atDeposit = GroundTruth.ModelNames.Select(m => mixing.Expected[m].TerminalAmount).ToList();
            Assert.Equal(4, atDeposit.Distinct().Count());
            Assert.Contains(mixing.Addresses, a => a.Role == "pass-through");
        }
        var blacklisted = truth.Cases.First(c => c.Kind == "blacklisted-end");
        Assert.Contains(blacklisted.Expected["fifo"].Held, h => h.Blacklisted);
        Assert.Contains(truth.Blacklisted, b => blacklisted.Expected["fifo"].Held.Any(h => h.Address == b.Address));
        var peel = truth.Cases.First(c => c.Kind == "peel-chain");
        Assert.True(peel.Expected["haircut"].Held.Count >= 4, "each peel hop keeps a little");
        Assert.Contains(peel.Expected["haircut"].Terminals.SelectMany(t => t.Via), v => v.Kind == "hot-wallet");
        var fan = truth.Cases.First(c => c.Kind == "fan-out-fan-in");
        Assert.Contains(fan.Expected["haircut"].Terminals, t => t.Kind == "otc");
        Assert.True(fan.Addresses.Count(a => a.Role == "burner") >= 4);
    }

    private static readonly string[] SynthCaseKinds = ["blacklisted-end", "fan-out-fan-in", "mixing", "peel-chain"];

    [Fact]
    public void Cases_DoNotShareAddressesWithEachOtherOrBackgroundSenders()
    {
        var output = large.Output;
        var caseAddresses = new Dictionary<Address, string>();
        foreach (var c in output.Truth.Cases)
            foreach (var a in c.Addresses)
                Assert.True(caseAddresses.TryAdd(Address.Parse(a.Address), c.Id), $"{a.Address} in two cases");
        // Every transfer that touches a case address (other than its deposit addresses' sweeps) is one of the case's own.
        var own = output.Truth.Cases.ToDictionary(c => c.Id, c => c.Addresses.Select(a => Address.Parse(a.Address)).Concat(c.Victims.Select(v => Address.Parse(v.Address))).Concat(c.Seeds.Select(Address.Parse)).ToHashSet());
        var deposits = output.Truth.DepositAddresses.ToDictionary(d => Address.Parse(d.Address));
        foreach (var t in output.Transfers)
        {
            if (caseAddresses.TryGetValue(t.To, out var id) && !(deposits.ContainsKey(t.To)))
            {
                bool fromCase = own[id].Contains(t.From);
                bool clean = output.Truth.Cases.First(c => c.Id == id).Addresses.Any(a => Address.Parse(a.Address) == t.To && a.Role == "mixing-intermediary");
                Assert.True(fromCase || clean, $"background transfer into {id} address {t.To} at {t.Seq}");
            }
        }
    }

    [Fact]
    public void DepositAddresses_SweepNearlyAllWithinTheDelay()
    {
        var output = small.Output;
        int delay = output.Truth.Run.MaxSweepDelayBlocks;
        var byFrom = output.Transfers.ToLookup(t => t.From);
        var byTo = output.Transfers.ToLookup(t => t.To);
        Assert.NotEmpty(output.Truth.DepositAddresses);
        foreach (var d in output.Truth.DepositAddresses)
        {
            var addr = Address.Parse(d.Address);
            var hot = Address.Parse(d.SweepsTo);
            var ins = byTo[addr].ToList();
            var outs = byFrom[addr].ToList();
            Assert.NotEmpty(ins);
            Assert.All(outs, o => Assert.Equal(hot, o.To));
            foreach (var i in ins)
                Assert.Contains(outs, o => o.Seq > i.Seq && o.Block <= i.Block + (ulong)delay);
            BigInteger received = ins.Aggregate(BigInteger.Zero, (s, t) => s + t.Amount);
            BigInteger swept = outs.Aggregate(BigInteger.Zero, (s, t) => s + t.Amount);
            Assert.True(swept * 100 >= received * 95, $"{d.Address} swept {swept} of {received}");
            // Each sweep moves at least minSweepPercent of the balance it finds.
            BigInteger balance = 0;
            foreach (var t in ins.Concat(outs).OrderBy(t => t.Seq))
            {
                if (t.To == addr) { balance += t.Amount; continue; }
                Assert.True(t.Amount * 100 >= balance * output.Truth.Run.MinSweepPercent, $"{d.Address} swept {t.Amount} of {balance} at {t.Seq}");
                balance -= t.Amount;
            }
            Assert.True(swept <= received);
            // Senders are the user's own addresses and paid into it.
            var user = output.Truth.Entities.Single(e => e.Id == d.User);
            Assert.All(d.Senders, s => Assert.Contains(s, user.Addresses));
            Assert.Equal(ins.Select(t => t.From).ToHashSet(), d.Senders.Select(Address.Parse).ToHashSet());
            Assert.Contains(d.Address, user.UsesDepositAddresses!);
            Assert.Contains(d.Address, output.Truth.Entities.Single(e => e.Id == d.Exchange).DepositAddresses!);
        }
        // The deposit-reuse signal exists: customers paying one deposit address from several of their addresses.
        Assert.Contains(output.Truth.DepositAddresses, d => d.Senders.Count >= 2 && d.User.StartsWith("customer-", StringComparison.Ordinal));
    }

    [Fact]
    public void GasFunding_ArrivesBeforeEverySendersFirstTransaction()
    {
        var output = small.Output;
        var firstNative = new Dictionary<Address, (Seq Seq, Address Funder)>();
        var firstSent = new Dictionary<Address, Seq>();
        var fundedBy = new Dictionary<Address, int>();
        foreach (var b in output.Blocks)
        {
            foreach (var tx in b.Transactions)
            {
                var seq = Seq.ForNative(b.Number, tx.Index);
                firstSent.TryAdd(tx.From, seq);
                if (!tx.Value.IsZero)
                {
                    firstNative.TryAdd(tx.To, (seq, tx.From));
                    fundedBy[tx.From] = fundedBy.GetValueOrDefault(tx.From) + 1;
                }
            }
        }
        var truth = output.Truth;
        var prefunded = new HashSet<Address> { Address.Parse(truth.Run.Treasury) };
        foreach (var e in truth.Entities.Where(e => e.Kind is "exchange" or "otc" or "service"))
            foreach (var a in e.HotWallets ?? (e.Kind == "exchange" ? [] : e.Addresses)) prefunded.Add(Address.Parse(a));
        foreach (var f in truth.GasFunders) prefunded.Add(Address.Parse(f.Funder));
        foreach (var (sender, seq) in firstSent)
        {
            if (prefunded.Contains(sender)) continue;
            Assert.True(firstNative.TryGetValue(sender, out var n) && n.Seq < seq, $"{sender} sends at {seq} without earlier gas funding");
        }
        foreach (var f in truth.GasFunders)
        {
            Assert.Equal(f.FundedCount, fundedBy[Address.Parse(f.Funder)]);
            if (!f.ShouldMerge) continue;
            var entity = truth.Entities.Single(e => e.Id == f.Entity);
            Assert.NotNull(f.Funded);
            foreach (var a in f.Funded)
            {
                Assert.Contains(a, entity.Addresses);
                Assert.Equal(Address.Parse(f.Funder), firstNative[Address.Parse(a)].Funder);
            }
        }
        // Operators fund their own burners; services fund strangers, and each service funds more addresses than any operator.
        Assert.Contains(truth.GasFunders, f => f.ShouldMerge && f.Kind == "operator");
        Assert.Contains(truth.GasFunders, f => f.ShouldMerge && f.Kind == "scam");
        int maxOperator = truth.GasFunders.Where(f => f.ShouldMerge).Max(f => f.FundedCount);
        Assert.All(truth.GasFunders.Where(f => !f.ShouldMerge), f => Assert.True(f.FundedCount > maxOperator, $"service {f.Funder} funds {f.FundedCount} ≤ {maxOperator}"));
    }

    [Fact]
    public void Approvals_MatchTheLogs_AndSpendersMoveTheOwnersTokens()
    {
        var output = small.Output;
        var logged = output.Logs.Where(l => l.Kind == "Approval").Select(l => (l.From, l.To)).ToHashSet();
        var truth = output.Truth.Approvals.Select(a => (Address.Parse(a.Owner), Address.Parse(a.Spender))).ToHashSet();
        Assert.Equal(logged, truth);
        var owner = new Dictionary<Address, string>();
        foreach (var e in output.Truth.Entities) foreach (var a in e.Addresses) owner[Address.Parse(a)] = e.Id;
        foreach (var a in output.Truth.Approvals)
            Assert.Equal(a.ShouldMerge, owner[Address.Parse(a.Owner)] == owner[Address.Parse(a.Spender)]);
        Assert.Contains(output.Truth.Approvals, a => a.ShouldMerge && a.SpenderSendsTx);
        Assert.Contains(output.Truth.Approvals, a => !a.ShouldMerge);
        var txs = output.Blocks.SelectMany(b => b.Transactions).ToDictionary(t => t.Hash);
        foreach (var a in output.Truth.Approvals.Where(a => a.SpenderSendsTx))
            Assert.Contains(output.Transfers, t => t.From == Address.Parse(a.Owner) && txs[t.TxHash].From == Address.Parse(a.Spender));
    }

    [Fact]
    public void Entities_PartitionEveryAddressOnChain()
    {
        var output = small.Output;
        var owner = new Dictionary<Address, string>();
        foreach (var e in output.Truth.Entities)
        {
            Assert.NotEmpty(e.Addresses);
            Assert.Contains(e.Kind, new[] { "exchange", "otc", "customer", "operator", "victim", "scam", "service", "treasury" });
            foreach (var a in e.Addresses) Assert.True(owner.TryAdd(Address.Parse(a), e.Id), $"{a} owned twice");
            if (e.Kind == "exchange")
            {
                Assert.NotEmpty(e.HotWallets!);
                Assert.Equal(e.Addresses.Order(), e.HotWallets!.Concat(e.DepositAddresses!).Order());
            }
        }
        var onChain = new HashSet<Address>();
        foreach (var l in output.Logs)
        {
            if (l.Kind is "Transfer" or "Approval") { onChain.Add(l.From); onChain.Add(l.To); }
            if (l.Kind == "AddedBlackList") onChain.Add(l.From);
        }
        foreach (var b in output.Blocks) foreach (var t in b.Transactions) { onChain.Add(t.From); onChain.Add(t.To); }
        onChain.Remove(Address.Zero);
        onChain.Remove(ChainProfile.Ethereum.DefaultToken.Contract);
        Assert.Equal(onChain.Count, output.Truth.Totals.Addresses);
        Assert.Equal(onChain.OrderBy(a => a), owner.Keys.OrderBy(a => a));
        var blacklisted = output.Logs.Where(l => l.Kind == "AddedBlackList").Select(l => (l.From, l.Block)).ToList();
        Assert.Equal(blacklisted, output.Truth.Blacklisted.Select(b => (Address.Parse(b.Address), b.Block)).ToList());
    }

    [Fact]
    public void Labels_NameSomeServicesAndScams_ButNoDepositAddresses()
    {
        var output = small.Output;
        var truth = output.Truth;
        var owner = new Dictionary<Address, TruthEntity>();
        foreach (var e in truth.Entities) foreach (var a in e.Addresses) owner[Address.Parse(a)] = e;
        var deposits = truth.DepositAddresses.Select(d => Address.Parse(d.Address)).ToHashSet();
        var labelled = output.Labels.Select(l => l.Address).ToHashSet();
        Assert.Equal(labelled.Count, output.Labels.Count); // one label per address
        foreach (var l in output.Labels)
        {
            Assert.Equal("synth", l.Source);
            Assert.DoesNotContain(l.Address, deposits);
            var e = owner[l.Address];
            string expectedKind = l.Category switch
            {
                "exchange" => "exchange",
                "otc" => "otc",
                "bridge" => "service",
                "scam" or "sanctioned" => "scam",
                _ => "?",
            };
            Assert.Equal(expectedKind, e.Kind);
            if (l.Category == "exchange") Assert.Contains(l.Address.ToString(), e.HotWallets!);
        }
        foreach (var e in truth.Entities)
            Assert.Equal(e.Labelled, e.Addresses.Any(a => labelled.Contains(Address.Parse(a))));
        Assert.Contains(truth.Entities, e => e.Kind == "exchange" && e.HotWallets!.Any(h => !labelled.Contains(Address.Parse(h))));
        foreach (var c in truth.Cases)
            Assert.All(c.Seeds, s => Assert.Contains(output.Labels, l => l.Address == Address.Parse(s) && l.Category == "scam"));
        foreach (var c in truth.Cases.Where(c => c.Kind == "blacklisted-end"))
        {
            var final = Address.Parse(c.Addresses.Single(a => a.Role == "blacklisted-final").Address);
            Assert.Contains(output.Labels, l => l.Address == final && l.Category == "sanctioned");
        }
    }

    [Fact]
    public void GroundTruth_RunDescribesTheFiles()
    {
        var output = small.Output;
        var run = output.Truth.Run;
        Assert.Equal(1, output.Truth.SchemaVersion);
        Assert.Equal(7, run.Seed);
        Assert.Equal("ethereum", run.Profile);
        Assert.Equal(ChainProfile.Ethereum.DefaultToken.Contract, Address.Parse(run.Token));
        Assert.Equal(ChainProfile.Ethereum.DefaultToken.Issuer, Address.Parse(run.Issuer!));
        Assert.Equal(output.Blocks[0].Number, run.StartBlock);
        Assert.Equal(output.Blocks[^1].Number, run.EndBlock);
        Assert.Equal(output.Blocks.Count, output.Truth.Totals.Blocks);
        int lines = SynthOutput.ReadLines(output.Result.JsonRpcFiles[0]).Count();
        Assert.Equal((output.Blocks.Count + run.LogsBlocksPerLine - 1) / run.LogsBlocksPerLine, lines);
        foreach (var c in output.Truth.Cases)
        {
            Assert.Equal(run.StartTimestamp + (long)(c.FromBlock - run.StartBlock) * run.BlockSeconds, c.FromTimestamp);
            Assert.True(c.FromBlock < c.ToBlock && c.ToBlock <= run.EndBlock);
            var firstPayment = output.Transfers.Where(t => c.Seeds.Contains(t.To.ToString())).Min(t => t.Block);
            Assert.Equal(c.FromBlock, firstPayment);
        }
    }
}

using ChainTrace.Primitives;

namespace ChainTrace.Synthetic;

/// <summary>What a planted step does.</summary>
internal enum CaseStepKind : byte
{
    /// <summary>Token transfer A → B.</summary>
    Transfer,
    /// <summary>Spender C moves A's tokens to B (transferFrom).</summary>
    TransferFrom,
    /// <summary>A approves spender B for Amount.</summary>
    Approve,
    /// <summary>Native gas funding A → B.</summary>
    Native,
    /// <summary>Exchange C (index) pays a withdrawal to B.</summary>
    Withdraw,
    /// <summary>Tether blacklists A.</summary>
    Blacklist,
}

/// <summary>One planted step, executed in its block in plan order.</summary>
internal readonly record struct CaseStep(ulong Block, CaseStepKind Kind, int A, int B, int C, long Amount, int Cost);

/// <summary>Where taint ends for one model: amounts per terminal address and per holding address.</summary>
internal sealed class ModelOutcome
{
    public List<(int Address, long Amount)> Terminals { get; } = [];
    public List<(int Address, long Amount)> Held { get; } = [];
}

/// <summary>A planted laundering case: its steps and the answer per taint model, known by construction.</summary>
internal sealed class CasePlan
{
    public CasePlan(int index, string kind, int scamEntity)
    {
        Index = index;
        Kind = kind;
        ScamEntity = scamEntity;
    }

    public int Index { get; }
    public string Kind { get; }
    public string Id => $"case-{Index}";
    public int ScamEntity { get; }
    public int Funder { get; set; }
    public List<int> Seeds { get; } = [];
    public List<(int Entity, int Address, long Amount)> Victims { get; } = [];
    public List<(int Address, string Role, int Hop)> Addresses { get; } = [];
    public List<CaseStep> Steps { get; } = [];
    public int MaxHops { get; set; }
    public ulong FromBlock { get; set; }
    public ulong ToBlock { get; set; }

    /// <summary>Outcomes indexed by <see cref="SynthSimulation.Models"/>: poison, haircut, fifo, lifo.</summary>
    public ModelOutcome[] Expected { get; } = [new(), new(), new(), new()];

    /// <summary>Adds the same terminal amount to every model.</summary>
    public void TerminalAll(int address, long amount)
    {
        foreach (var m in Expected) Add(m.Terminals, address, amount);
    }

    /// <summary>Adds the same held amount to every model.</summary>
    public void HeldAll(int address, long amount)
    {
        foreach (var m in Expected) Add(m.Held, address, amount);
    }

    /// <summary>Adds to an address's amount in a list, keeping first-seen order.</summary>
    public static void Add(List<(int Address, long Amount)> list, int address, long amount)
    {
        for (int i = 0; i < list.Count; i++)
        {
            if (list[i].Address == address)
            {
                list[i] = (address, list[i].Amount + amount);
                return;
            }
        }
        list.Add((address, amount));
    }
}

/// <summary>
/// Planted laundering cases. Every case uses fresh addresses that background traffic never touches (except the
/// deliberate clean funds of the mixing case), so the answer per taint model is plain arithmetic on the planted
/// amounts. Offsets are blocks from the case's start.
/// </summary>
internal sealed partial class SynthSimulation
{
    /// <summary>Case kinds, planted in this order (cycling when more cases are asked for).</summary>
    internal static readonly string[] CaseKinds = ["peel-chain", "fan-out-fan-in", "mixing", "blacklisted-end"];

    /// <summary>Taint models, in the order of <see cref="CasePlan.Expected"/>.</summary>
    internal static readonly string[] Models = ["poison", "haircut", "fifo", "lifo"];

    private const int Poison = 0, Haircut = 1, Fifo = 2, Lifo = 3;

    private readonly List<CasePlan> _cases = [];
    private readonly List<CaseStep> _steps = [];
    private int _nextStep;
    private long _caseReserve;

    private void PlanCases()
    {
        int n = _options.LaunderingCases > 0 ? _options.LaunderingCases : DefaultCases(_target);
        long estimatedBlocks = Math.Max(200, _target / 25);
        long span = estimatedBlocks * 4 / 5;
        for (int i = 0; i < n; i++)
        {
            ulong start = _options.StartBlock + 3 + (ulong)((i + 1) * span / (n + 1));
            string kind = CaseKinds[i % CaseKinds.Length];
            int scam = AddEntity($"case-{i}-scam", "scam", $"Scam operation of case-{i} ({kind})");
            var plan = new CasePlan(i, kind, scam);
            plan.Funder = NewEntityAddress(scam, AddressRole.CaseFunder, prefunded: true);
            _entities[scam].GasFunder = plan.Funder;
            var b = new CaseBuilder(this, plan, start);
            switch (kind)
            {
                case "peel-chain": PlanPeelChain(b); break;
                case "fan-out-fan-in": PlanFanOutFanIn(b); break;
                case "mixing": PlanMixing(b); break;
                default: PlanBlacklistedEnd(b); break;
            }
            _cases.Add(plan);
        }
        // Merge every case's steps in (block, case, plan order); steps were appended in plan order per case.
        var all = new List<(CaseStep Step, int Case, int Order)>();
        foreach (var plan in _cases)
            for (int k = 0; k < plan.Steps.Count; k++) all.Add((plan.Steps[k], plan.Index, k));
        all.Sort((x, y) =>
        {
            int c = x.Step.Block.CompareTo(y.Step.Block);
            if (c != 0) return c;
            c = x.Case.CompareTo(y.Case);
            return c != 0 ? c : x.Order.CompareTo(y.Order);
        });
        foreach (var s in all)
        {
            _steps.Add(s.Step);
            _caseReserve += s.Step.Cost;
        }
        if (_caseReserve > _target / 2)
            throw new ArgumentException($"{n} laundering cases need about {_caseReserve} transfers; ask for at least {_caseReserve * 2} transfers or fewer cases.");
    }

    private void RunCaseSteps()
    {
        while (_nextStep < _steps.Count && _steps[_nextStep].Block == _block.Number)
        {
            var s = _steps[_nextStep++];
            long before = _written + _pendingSweeps;
            switch (s.Kind)
            {
                case CaseStepKind.Transfer: Transfer(s.A, s.B, s.Amount); break;
                case CaseStepKind.TransferFrom: TokenTransfer(TxKind.TransferFrom, s.C, ChainCodec.Contract, s.A, s.B, s.Amount); break;
                case CaseStepKind.Approve: Approve(s.A, s.B, s.Amount, sameOwner: true, spenderSendsTx: true); break;
                case CaseStepKind.Native: Native(s.A, s.B, s.Amount); break;
                case CaseStepKind.Withdraw: Withdraw(s.C, s.B, s.Amount); break;
                case CaseStepKind.Blacklist: Blacklist(s.A); break;
            }
            _caseReserve -= s.Cost;
            if (_written + _pendingSweeps - before > s.Cost) throw new InvalidOperationException("A planted step cost more transfers than reserved.");
        }
        if (_nextStep < _steps.Count && _steps[_nextStep].Block < _block.Number)
            throw new InvalidOperationException("A planted step was skipped.");
    }

    /// <summary>Collects one case's steps with block offsets and allocates its fresh addresses.</summary>
    private sealed class CaseBuilder
    {
        private readonly SynthSimulation _sim;
        private readonly ulong _start;

        public CaseBuilder(SynthSimulation sim, CasePlan plan, ulong start)
        {
            _sim = sim;
            Plan = plan;
            _start = start;
        }

        public CasePlan Plan { get; }
        public SynthRandom Rng => _sim._caseRng;
        public ulong Block(int offset) => _start + (ulong)offset;

        public int Address(AddressRole role, string roleName, int hop, int entity = -1)
        {
            int id = _sim.NewEntityAddress(entity < 0 ? Plan.ScamEntity : entity, role);
            Plan.Addresses.Add((id, roleName, hop));
            if (role == AddressRole.CaseCollector) _sim.Label(id, LabelCategories.Scam, $"Scam collector ({Plan.Id})");
            if (role == AddressRole.CaseFinal) _sim.Label(id, LabelCategories.Sanctioned, $"Blacklisted ({Plan.Id})");
            return id;
        }

        public int Deposit(int exchangeIndex, int hop, int user = -1)
        {
            int id = _sim.NewDeposit(exchangeIndex, user < 0 ? Plan.ScamEntity : user);
            Plan.Addresses.Add((id, "deposit", hop));
            return id;
        }

        public int NewEntity(string suffix, string kind, string name) => _sim.AddEntity($"{Plan.Id}-{suffix}", kind, name);

        private void Step(int offset, CaseStepKind kind, int a, int b, int c, long amount)
        {
            int cost = kind switch
            {
                CaseStepKind.Transfer or CaseStepKind.TransferFrom => 1 + (_sim.RoleOf(b) == AddressRole.Deposit ? 1 : 0),
                CaseStepKind.Withdraw => 3,
                _ => 0,
            };
            Plan.Steps.Add(new CaseStep(Block(offset), kind, a, b, c, amount, cost));
            if (kind is CaseStepKind.Transfer or CaseStepKind.TransferFrom or CaseStepKind.Blacklist)
                Plan.ToBlock = Math.Max(Plan.ToBlock, Block(offset));
        }

        public void Transfer(int offset, int from, int to, long amount) => Step(offset, CaseStepKind.Transfer, from, to, -1, amount);
        public void TransferFrom(int offset, int spender, int from, int to, long amount) => Step(offset, CaseStepKind.TransferFrom, from, to, spender, amount);
        public void Approve(int offset, int owner, int spender, long amount) => Step(offset, CaseStepKind.Approve, owner, spender, -1, amount);
        public void Gas(int offset, int address) => Step(offset, CaseStepKind.Native, Plan.Funder, address, -1, Rng.GasAmount());
        public void Withdraw(int offset, int exchangeIndex, int to, long amount) => Step(offset, CaseStepKind.Withdraw, -1, to, exchangeIndex, amount);
        public void Blacklist(int offset, int address) => Step(offset, CaseStepKind.Blacklist, address, -1, -1, 0);

        public int ExchangeCount => _sim._exchanges.Count;

        public int ExchangeIndex() => Rng.Next(_sim._exchanges.Count);

        /// <summary>A hot wallet that carries an exchange label (a terminal a tracer knows without clustering).</summary>
        public int LabelledHotWallet(out int exchangeIndex)
        {
            var candidates = new List<(int Hot, int Exchange)>();
            for (int e = 0; e < _sim._exchanges.Count; e++)
                foreach (int hot in _sim._entities[_sim._exchanges[e]].HotWallets)
                    if ((_sim._flags[hot] & FlagLabelled) != 0) candidates.Add((hot, e));
            var pick = candidates[Rng.Next(candidates.Count)];
            exchangeIndex = pick.Exchange;
            return pick.Hot;
        }

        /// <summary>A labelled OTC desk.</summary>
        public int LabelledOtcDesk()
        {
            var candidates = _sim._otcDesks.Where(d => (_sim._flags[d] & FlagLabelled) != 0).ToList();
            return candidates[Rng.Next(candidates.Count)];
        }

        /// <summary>
        /// Victims (distinct people, each funded by an exchange withdrawal a few blocks earlier) pay the collector
        /// at offsets 3.. ; returns the seeded total. <paramref name="amounts"/> may fix the payments.
        /// </summary>
        public long Victims(int collector, IReadOnlyList<long>? amounts = null)
        {
            int n = amounts?.Count ?? Rng.Between(3, 6);
            long total = 0;
            for (int i = 0; i < n; i++)
            {
                long amount = amounts?[i] ?? (Rng.Between(500, 20_000) * Usdt + Rng.NextLong(Usdt));
                int entity = NewEntity($"victim-{i}", "victim", $"Victim {i} of {Plan.Id}");
                int victim = _sim.NewEntityAddress(entity, AddressRole.Victim);
                Withdraw(i % 3, ExchangeIndex(), victim, amount + amount / 100 * Rng.Between(0, 20) + Usdt);
                Transfer(3 + i, victim, collector, amount);
                Plan.Victims.Add((entity, victim, amount));
                total += amount;
            }
            Plan.FromBlock = Block(3);
            return total;
        }
    }

    // Peel chain: victims → collector C → H1 → … → HL; each hop keeps a little (held), peels a slice to a
    // terminal (deposit addresses, a labelled hot wallet, a labelled OTC desk) and forwards the rest 1-2 blocks
    // after receiving it. All addresses hold only tainted funds: every model gives the same answer.
    private static void PlanPeelChain(CaseBuilder b)
    {
        var plan = b.Plan;
        int collector = b.Address(AddressRole.CaseCollector, "collector", 0);
        plan.Seeds.Add(collector);
        long total = b.Victims(collector);
        int hops = b.Rng.Between(4, 6);
        var chain = new int[hops + 1];
        for (int j = 1; j <= hops; j++) chain[j] = b.Address(AddressRole.CaseHop, "peel-hop", j);
        int exA = b.ExchangeIndex();
        int exB = b.ExchangeIndex();
        int depA = b.Deposit(exA, 2);
        int depB = b.Deposit(exB, hops + 1);
        int hot = b.LabelledHotWallet(out _);
        int otc = b.LabelledOtcDesk();

        b.Gas(10, collector);
        b.Transfer(10, collector, chain[1], total);
        long remaining = total;
        int received = 10;
        for (int j = 1; j <= hops; j++)
        {
            int h = chain[j];
            b.Gas(received, h);
            int send = received + 1 + (j % 2);
            long keep = remaining * b.Rng.Between(5, 20) / 1000;
            if (j < hops)
            {
                long peel = remaining * b.Rng.Between(30, 100) / 1000;
                int terminal = (j % 4) switch { 1 => depA, 2 => hot, 3 => depA, _ => otc };
                long forward = remaining - keep - peel;
                b.Transfer(send, h, terminal, peel);
                b.Transfer(send, h, chain[j + 1], forward);
                plan.TerminalAll(terminal, peel);
                remaining = forward;
            }
            else
            {
                b.Transfer(send, h, depB, remaining - keep);
                plan.TerminalAll(depB, remaining - keep);
            }
            plan.HeldAll(h, keep);
            received = send;
        }
        plan.MaxHops = hops + 1;
    }

    // Fan-out / fan-in: collector → k burners (gas-funded by the operation's funder) → half into an aggregator,
    // half straight into one shared deposit address (deposit reuse links the burners); the aggregator approves the
    // operation's spender, which moves part to a second exchange with transferFrom, sells part to an OTC desk and
    // keeps the rest. Pure taint: every model agrees.
    private static void PlanFanOutFanIn(CaseBuilder b)
    {
        var plan = b.Plan;
        int collector = b.Address(AddressRole.CaseCollector, "collector", 0);
        plan.Seeds.Add(collector);
        long total = b.Victims(collector);
        int k = b.Rng.Between(4, 8);
        int aggregator = b.Address(AddressRole.CaseAggregator, "aggregator", 2);
        int spender = b.Address(AddressRole.CaseSpender, "spender", -1);
        int exA = b.ExchangeIndex();
        int exB = (exA + 1 + b.Rng.Next(Math.Max(1, b.ExchangeCount - 1))) % b.ExchangeCount;
        int depA = b.Deposit(exA, 2);
        int depB = b.Deposit(exB, 3);
        int otc = b.LabelledOtcDesk();

        b.Gas(10, collector);
        long left = total, toAggregator = 0;
        var burners = new int[k];
        var parts = new long[k];
        for (int i = 0; i < k; i++)
        {
            burners[i] = b.Address(AddressRole.CaseBurner, "burner", 1);
            parts[i] = i == k - 1 ? left : total / k * b.Rng.Between(80, 120) / 100;
            left -= parts[i];
            b.Transfer(10, collector, burners[i], parts[i]);
        }
        for (int i = 0; i < k; i++)
        {
            b.Gas(11, burners[i]);
            int when = 12 + (i % 3 == 0 ? 0 : 1);
            if (i % 2 == 0)
            {
                b.Transfer(when, burners[i], aggregator, parts[i]);
                toAggregator += parts[i];
            }
            else
            {
                b.Transfer(when, burners[i], depA, parts[i]);
                plan.TerminalAll(depA, parts[i]);
            }
        }
        b.Gas(14, aggregator);
        b.Gas(14, spender);
        long pulled = toAggregator * b.Rng.Between(300, 500) / 1000;
        long sold = toAggregator * b.Rng.Between(200, 300) / 1000;
        b.Approve(15, aggregator, spender, pulled);
        b.TransferFrom(16, spender, aggregator, depB, pulled);
        b.Transfer(17, aggregator, otc, sold);
        plan.TerminalAll(depB, pulled);
        plan.TerminalAll(otc, sold);
        plan.HeldAll(aggregator, toAggregator - pulled - sold);
        plan.MaxHops = 3;
    }

    // Mixing with clean funds: collector → pass-through P (forwards the whole 4X unchanged one block later) →
    // merchant M, who holds clean funds. M: +5X clean (offset 1), −1X to a supplier (offset 4, before any taint),
    // +4X tainted (offset 11), +2X clean (offset 12), −5X to its own exchange deposit (offset 14), −3X to a second
    // supplier who keeps it (offset 15); M keeps 2X. X is a multiple of 100 USDT, so every haircut is exact.
    //   model    deposit  supplier S2  held at M
    //   poison     5X        3X          2X      (upper bound: whole outflows / balances of poisoned addresses)
    //   haircut    2X        6X/5        4X/5    (5X·4/10; then 3X·2X/5X)
    //   fifo       1X        3X          0       (lots 4X clean, 4X taint, 2X clean; oldest first)
    //   lifo       3X        1X          0       (newest first)
    private static void PlanMixing(CaseBuilder b)
    {
        var plan = b.Plan;
        long x = b.Rng.Between(5, 100) * 100 * Usdt;
        int collector = b.Address(AddressRole.CaseCollector, "collector", 0);
        plan.Seeds.Add(collector);
        int victims = b.Rng.Between(3, 5);
        var amounts = new long[victims];
        long rest = 4 * x;
        for (int i = 0; i < victims - 1; i++)
        {
            amounts[i] = rest / (victims - i) / Usdt * b.Rng.Between(70, 130) / 100 * Usdt;
            rest -= amounts[i];
        }
        amounts[victims - 1] = rest;
        long total = b.Victims(collector, amounts);
        if (total != 4 * x) throw new InvalidOperationException("Mixing case victims do not sum to 4X.");

        int passThrough = b.Address(AddressRole.CasePassThrough, "pass-through", 1);
        int merchantEntity = b.NewEntity("merchant", "customer", $"Merchant used by {plan.Id}");
        int merchant = b.Address(AddressRole.Merchant, "mixing-intermediary", 2, merchantEntity);
        int supplier0 = b.Address(AddressRole.Customer, "earlier-supplier", -1, b.NewEntity("supplier-0", "customer", $"Supplier 0 of the merchant in {plan.Id}"));
        int supplier2 = b.Address(AddressRole.Customer, "supplier", 3, b.NewEntity("supplier-1", "customer", $"Supplier 1 of the merchant in {plan.Id}"));
        int exM = b.ExchangeIndex();
        int depM = b.Deposit(exM, 3, merchantEntity);

        b.Withdraw(1, exM, merchant, 5 * x);               // clean lot 1
        b.Transfer(4, merchant, supplier0, x);             // clean payment before the taint arrives
        b.Gas(10, collector);
        b.Transfer(10, collector, passThrough, 4 * x);
        b.Gas(10, passThrough);
        b.Transfer(11, passThrough, merchant, 4 * x);      // tainted lot, unchanged pass-through
        b.Withdraw(12, b.ExchangeIndex(), merchant, 2 * x); // clean lot 3
        b.Transfer(14, merchant, depM, 5 * x);
        b.Transfer(15, merchant, supplier2, 3 * x);

        var e = plan.Expected;
        CasePlan.Add(e[Poison].Terminals, depM, 5 * x);
        CasePlan.Add(e[Poison].Held, supplier2, 3 * x);
        CasePlan.Add(e[Poison].Held, merchant, 2 * x);
        CasePlan.Add(e[Haircut].Terminals, depM, 2 * x);
        CasePlan.Add(e[Haircut].Held, supplier2, 6 * x / 5);
        CasePlan.Add(e[Haircut].Held, merchant, 4 * x / 5);
        CasePlan.Add(e[Fifo].Terminals, depM, x);
        CasePlan.Add(e[Fifo].Held, supplier2, 3 * x);
        CasePlan.Add(e[Lifo].Terminals, depM, 3 * x);
        CasePlan.Add(e[Lifo].Held, supplier2, x);
        plan.MaxHops = 3;
    }

    // Blacklisted end: collector → pass-through P1 → 20-40% into an exchange deposit, the rest to a final address
    // that Tether blacklists three blocks later: value frozen at a non-terminal address.
    private static void PlanBlacklistedEnd(CaseBuilder b)
    {
        var plan = b.Plan;
        int collector = b.Address(AddressRole.CaseCollector, "collector", 0);
        plan.Seeds.Add(collector);
        long total = b.Victims(collector);
        int passThrough = b.Address(AddressRole.CasePassThrough, "pass-through", 1);
        int final = b.Address(AddressRole.CaseFinal, "blacklisted-final", 2);
        int dep = b.Deposit(b.ExchangeIndex(), 2);
        b.Gas(10, collector);
        b.Transfer(10, collector, passThrough, total);
        b.Gas(10, passThrough);
        long cashed = total * b.Rng.Between(200, 400) / 1000;
        b.Transfer(11, passThrough, dep, cashed);
        b.Transfer(11, passThrough, final, total - cashed);
        b.Blacklist(14, final);
        plan.TerminalAll(dep, cashed);
        plan.HeldAll(final, total - cashed);
        plan.MaxHops = 2;
    }
}

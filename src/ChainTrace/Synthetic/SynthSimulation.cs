using ChainTrace.Primitives;

namespace ChainTrace.Synthetic;

/// <summary>What an address is for, in the simulation (ground truth and gas funding use it).</summary>
internal enum AddressRole : byte
{
    None,
    Treasury,
    HotWallet,
    Deposit,
    Customer,
    Otc,
    Bridge,
    BridgeRelayer,
    GasService,
    OperatorFunder,
    OperatorVault,
    OperatorSpender,
    OperatorBurner,
    Scam,
    CaseCollector,
    CaseHop,
    CaseBurner,
    CaseAggregator,
    CaseSpender,
    CaseFunder,
    CasePassThrough,
    CaseFinal,
    Victim,
    Merchant,
}

/// <summary>An owner of addresses that is not one of the (many, array-backed) customers.</summary>
internal sealed class SynthEntity
{
    public SynthEntity(string id, string kind, string name)
    {
        Id = id;
        Kind = kind;
        Name = name;
    }

    /// <summary>Stable id in the ground truth ("exchange-3").</summary>
    public string Id { get; }

    /// <summary>exchange | otc | customer | operator | victim | scam | service | treasury.</summary>
    public string Kind { get; }

    /// <summary>Human-readable name.</summary>
    public string Name { get; }

    /// <summary>The address that pays gas for this entity's addresses (−1: pick a public service).</summary>
    public int GasFunder { get; set; } = -1;

    /// <summary>Exchange hot wallets (exchanges only).</summary>
    public List<int> HotWallets { get; } = [];
}

/// <summary>A background operator: a funder that gas-funds its own burners, a vault, a spender.</summary>
internal sealed class OperatorState
{
    public int Entity;
    public int Funder;
    public int Vault;
    public int Spender;
    public int Exchange;
    public int Deposit = -1;
    public int MaxBurners;
    public long Allowance;
    public List<int> Burners { get; } = [];
}

/// <summary>A background scam address collecting payments until Tether blacklists it.</summary>
internal sealed class ScamState
{
    public int Entity;
    public int Address;
    public int PaymentsLeft;
}

/// <summary>Gas-funding statistics per funder address.</summary>
internal sealed class FunderStats
{
    public int Count;
    public List<int>? Funded;
}

/// <summary>
/// The simulated world: dense address ids with balances, owners and roles; customers kept in arrays so 50M
/// transfers fit in memory bounded by the number of addresses; one block built at a time and handed to the
/// writers. Deterministic: a single thread, integer-only random streams, no hash-order iteration.
/// </summary>
internal sealed partial class SynthSimulation
{
    private const byte FlagSeen = 1, FlagFunded = 2, FlagSweepPending = 4, FlagBlacklisted = 8, FlagBridgeApproved = 16, FlagLabelled = 32;
    private const int MaxSweepDelay = 4;
    private const int MaxActionCost = 8;
    private const long Usdt = 1_000_000;

    private readonly SynthOptions _options;
    private readonly ChainCodec _codec;
    private readonly SynthRandom _rng;
    private readonly SynthRandom _caseRng;
    private BlockPipeline? _pipeline;
    private readonly IProgress<long>? _progress;
    private readonly long _target;
    private readonly int _treasury;

    // Per-address state, indexed by id.
    private int _addressCount;
    private long[] _balance = new long[1024];
    private byte[] _flags = new byte[1024];
    private int[] _owner = new int[1024];     // entity index ≥ 0, or −(customer + 1)
    private byte[] _role = new byte[1024];
    private int[] _nonce = new int[1024];
    private int[] _aux = new int[1024];       // deposit: its user (owner encoding)

    private readonly List<SynthEntity> _entities = [];

    // Customers.
    private int _customers;
    private int[] _custFirst = [];
    private byte[] _custCount = [];
    private byte[] _custExchange = [];   // 2 per customer, 255 = none (index into _exchanges)
    private int[] _custDeposit = [];     // 2 per customer, −1 = none
    private byte[] _custDepositSenders = []; // 2 per customer, bit i = the customer's i-th address sent to it

    private readonly List<int> _exchanges = [];   // entity index per exchange
    private readonly List<int> _otcDesks = [];    // addresses
    private readonly List<int> _gasServices = []; // addresses
    private int _bridge, _bridgeRelayer;
    private readonly List<OperatorState> _operators = [];
    private ScamState? _currentScam;
    private int _scamCount;

    // Ground-truth bookkeeping.
    private readonly Dictionary<int, List<int>> _depositForeignSenders = [];
    private readonly Dictionary<int, FunderStats> _funderStats = [];
    private readonly List<int> _funderOrder = [];
    private readonly List<(int Owner, int Spender, bool SameOwner, bool SpenderSendsTx)> _approvalPairs = [];
    private readonly HashSet<long> _approvalPairSet = [];
    private readonly List<(int Address, ulong Block)> _blacklistings = [];
    private readonly List<(int Address, string Category, string Name)> _labels = [];

    // Scheduling.
    private readonly List<int>[] _sweepRing = new List<int>[MaxSweepDelay + 1];
    private long _pendingSweeps;

    // Counters.
    private long _written, _transactions, _native, _approvals, _issues, _blocks;
    private UInt128 _issued;
    private readonly SynthBlock _block = new();
    private int _blockTransfers;
    private ulong _lastProgressBlock;

    public SynthSimulation(SynthOptions options, IProgress<long>? progress)
    {
        _options = options;
        _target = options.Transfers;
        _progress = progress;
        _rng = new SynthRandom(options.Seed, 1);
        _caseRng = new SynthRandom(options.Seed, 2);
        for (int i = 0; i < _sweepRing.Length; i++) _sweepRing[i] = [];
        _treasury = NewEntityAddress(AddEntity("treasury", "treasury", "USDT treasury (issuer)"), AddressRole.Treasury);
        _codec = new ChainCodec(options.Seed, options.Profile, _treasury);
        _flags[_treasury] |= FlagFunded;
    }

    /// <summary>Where finished blocks go.</summary>
    public void Attach(BlockPipeline pipeline) => _pipeline = pipeline;

    /// <summary>Address and hash formatting shared with the writers.</summary>
    public ChainCodec Codec => _codec;

    public long Transfers => _written;
    public long Blocks => _blocks;
    public long Transactions => _transactions;
    public long NativeTransfers => _native;
    public long Approvals => _approvals;

    // ---------------------------------------------------------------- addresses and entities

    private int AddEntity(string id, string kind, string name)
    {
        _entities.Add(new SynthEntity(id, kind, name));
        return _entities.Count - 1;
    }

    private int NewAddress(int ownerCode, AddressRole role)
    {
        if (_addressCount == _balance.Length) Grow(_addressCount * 2);
        int id = _addressCount++;
        _owner[id] = ownerCode;
        _role[id] = (byte)role;
        _aux[id] = int.MinValue;
        return id;
    }

    private int NewEntityAddress(int entity, AddressRole role, bool prefunded = false)
    {
        int id = NewAddress(entity, role);
        if (prefunded) _flags[id] |= FlagFunded;
        return id;
    }

    private void Grow(int size)
    {
        Array.Resize(ref _balance, size);
        Array.Resize(ref _flags, size);
        Array.Resize(ref _owner, size);
        Array.Resize(ref _role, size);
        Array.Resize(ref _nonce, size);
        Array.Resize(ref _aux, size);
    }

    private AddressRole RoleOf(int id) => (AddressRole)_role[id];

    private static bool IsCustomerCode(int ownerCode) => ownerCode < 0;

    private static int CustomerOf(int ownerCode) => -ownerCode - 1;

    private void Label(int address, string category, string name)
    {
        _flags[address] |= FlagLabelled;
        _labels.Add((address, category, name));
    }

    private int NewDeposit(int exchangeIndex, int userCode)
    {
        int dep = NewAddress(_exchanges[exchangeIndex], AddressRole.Deposit);
        _aux[dep] = userCode;
        return dep;
    }

    private int HotWalletForSweep(int deposit)
    {
        var hot = _entities[_owner[deposit]].HotWallets;
        return hot[(int)((uint)deposit % (uint)hot.Count)];
    }

    // ---------------------------------------------------------------- emitting transactions

    private void Seen(int id)
    {
        if (id >= 0) _flags[id] |= FlagSeen;
    }

    private int AddTx(SynthTx tx)
    {
        tx.Nonce = _nonce[tx.Sender]++;
        Seen(tx.Sender);
        _transactions++;
        return _block.Add(tx);
    }

    /// <summary>Native-coin transfer that pays for the receiver's gas.</summary>
    private void Native(int funder, int receiver, long wei)
    {
        AddTx(new SynthTx { Kind = TxKind.Native, Sender = funder, Target = receiver, Value = wei, A = -1, B = -1 });
        Seen(receiver);
        _native++;
        _flags[receiver] |= FlagFunded;
        if (!_funderStats.TryGetValue(funder, out var stats))
        {
            stats = new FunderStats();
            var ownerRole = RoleOf(funder);
            if (ownerRole is AddressRole.OperatorFunder or AddressRole.CaseFunder) stats.Funded = [];
            _funderStats.Add(funder, stats);
            _funderOrder.Add(funder);
        }
        stats.Count++;
        stats.Funded?.Add(receiver);
    }

    /// <summary>Funds the tx sender's gas first when it has never received native coin.</summary>
    private void EnsureGas(int sender)
    {
        if ((_flags[sender] & FlagFunded) != 0) return;
        Native(GasFunderFor(sender), sender, _rng.GasAmount());
    }

    private int GasFunderFor(int address)
    {
        int owner = _owner[address];
        if (RoleOf(address) == AddressRole.Deposit) return _entities[owner].HotWallets[0];
        if (IsCustomerCode(owner))
        {
            int c = CustomerOf(owner);
            if (_rng.Chance(55)) return _entities[_exchanges[_custExchange[2 * c]]].HotWallets[0];
            return _gasServices[_rng.Next(_gasServices.Count)];
        }
        int funder = _entities[owner].GasFunder;
        if (funder >= 0) return funder;
        // Victims, merchants and other one-off people get gas from a public service.
        if (_rng.Chance(50)) return _entities[_exchanges[_rng.Next(_exchanges.Count)]].HotWallets[0];
        return _gasServices[_rng.Next(_gasServices.Count)];
    }

    /// <summary>A token Transfer log (in a transfer, transferFrom, bridge or mint transaction).</summary>
    private void TokenTransfer(TxKind kind, int sender, int target, int from, int to, long amount)
    {
        if (amount <= 0) throw new InvalidOperationException($"Synthetic transfer of non-positive amount {amount}.");
        if (from >= 0)
        {
            if (_balance[from] < amount) throw new InvalidOperationException($"Synthetic plan overdraws address #{from} ({RoleOf(from)}).");
            if ((_flags[from] & FlagBlacklisted) != 0) throw new InvalidOperationException("Synthetic plan moves a blacklisted address's tokens.");
            _balance[from] -= amount;
        }
        EnsureGas(sender);
        AddTx(new SynthTx { Kind = kind, Sender = sender, Target = target, A = from, B = to, Amount = amount });
        _balance[to] += amount;
        Seen(from);
        Seen(to);
        _written++;
        _blockTransfers++;
        if (RoleOf(to) == AddressRole.Deposit && from >= 0)
        {
            RecordDepositSender(to, from);
            if ((_flags[to] & FlagSweepPending) == 0) ScheduleSweep(to);
        }
    }

    private void Transfer(int from, int to, long amount) =>
        TokenTransfer(TxKind.Transfer, from, ChainCodec.Contract, from, to, amount);

    private void RecordDepositSender(int deposit, int from)
    {
        if (RoleOf(from) == AddressRole.HotWallet) return;
        int user = _aux[deposit];
        if (IsCustomerCode(user) && _owner[from] == user)
        {
            int c = CustomerOf(user);
            int slot = _custDeposit[2 * c] == deposit ? 2 * c : 2 * c + 1;
            _custDepositSenders[slot] |= (byte)(1 << (from - _custFirst[c]));
            return;
        }
        if (!_depositForeignSenders.TryGetValue(deposit, out var list))
        {
            list = [];
            _depositForeignSenders.Add(deposit, list);
        }
        if (!list.Contains(from)) list.Add(from);
    }

    private void Approve(int owner, int spender, long amount, bool sameOwner, bool spenderSendsTx)
    {
        EnsureGas(owner);
        AddTx(new SynthTx { Kind = TxKind.Approve, Sender = owner, Target = ChainCodec.Contract, A = owner, B = spender, Amount = amount });
        Seen(spender);
        _approvals++;
        long key = ((long)owner << 32) | (uint)spender;
        if (_approvalPairSet.Add(key)) _approvalPairs.Add((owner, spender, sameOwner, spenderSendsTx));
    }

    private void Blacklist(int address)
    {
        AddTx(new SynthTx { Kind = TxKind.Blacklist, Sender = _treasury, Target = ChainCodec.Contract, A = address, B = -1 });
        _flags[address] |= FlagBlacklisted;
        _blacklistings.Add((address, _block.Number));
    }

    /// <summary>New tokens for the treasury: a USDT Issue log, or a mint Transfer from 0 when the profile names no issuer.</summary>
    private void IssueToTreasury(long amount)
    {
        _issues++;
        _issued += (ulong)amount;
        if (_codec.HasIssuer)
        {
            AddTx(new SynthTx { Kind = TxKind.Issue, Sender = _treasury, Target = ChainCodec.Contract, A = _treasury, B = -1, Amount = amount });
            _balance[_treasury] += amount;
        }
        else
        {
            TokenTransfer(TxKind.Mint, _treasury, ChainCodec.Contract, ChainCodec.Zero, _treasury, amount);
        }
    }

    /// <summary>Tops a service wallet up from the treasury (issuing first if needed). At most 2 transfers.</summary>
    private void EnsureServiceBalance(int address, long amount)
    {
        if (_balance[address] >= amount) return;
        long need = amount - _balance[address] + Math.Max(amount, 2_000_000 * Usdt) * 2;
        if (_balance[_treasury] < need) IssueToTreasury(Math.Max(need, 1_000_000_000 * Usdt));
        Transfer(_treasury, address, need);
    }

    /// <summary>An exchange pays a withdrawal from one of its hot wallets. At most 3 transfers.</summary>
    private void Withdraw(int exchangeIndex, int to, long amount)
    {
        var hot = _entities[_exchanges[exchangeIndex]].HotWallets;
        int h = hot[_rng.Next(hot.Count)];
        EnsureServiceBalance(h, amount);
        Transfer(h, to, amount);
    }

    private void ScheduleSweep(int deposit)
    {
        _flags[deposit] |= FlagSweepPending;
        ulong due = _block.Number + 1 + (ulong)_rng.Next(MaxSweepDelay);
        _sweepRing[(int)(due % (MaxSweepDelay + 1))].Add(deposit);
        _pendingSweeps++;
    }

    private void RunSweeps()
    {
        var due = _sweepRing[(int)(_block.Number % (MaxSweepDelay + 1))];
        for (int i = 0; i < due.Count; i++)
        {
            int dep = due[i];
            _flags[dep] &= unchecked((byte)~FlagSweepPending);
            _pendingSweeps--;
            long amount = _balance[dep];
            if (amount >= 1000 && _rng.Chance(10)) amount -= amount * _rng.Between(1, 5) / 1000; // dust left behind
            TokenTransfer(TxKind.Transfer, dep, ChainCodec.Contract, dep, HotWalletForSweep(dep), amount);
        }
        due.Clear();
    }

    // ---------------------------------------------------------------- the block loop

    /// <summary>Runs the whole history, handing each block to the writers.</summary>
    public void Run(CancellationToken cancellationToken)
    {
        BuildWorld();
        PlanCases();
        ulong number = _options.StartBlock;
        BeginBlock(number);
        InitialFunding();
        FillBackground(BlockQuota());
        EndBlock();
        while (_written < _target || _pendingSweeps > 0 || _nextStep < _steps.Count)
        {
            cancellationToken.ThrowIfCancellationRequested();
            BeginBlock(++number);
            RunSweeps();
            int quota = BlockQuota();
            FillBackground(quota / 2);
            RunCaseSteps();
            FillBackground(quota);
            EndBlock();
        }
        _pipeline?.Complete();
        _progress?.Report(_written);
    }

    private int BlockQuota() => 10 + _rng.Next(31);

    private void BeginBlock(ulong number)
    {
        if (number > uint.MaxValue) throw new InvalidOperationException("Block numbers above 2^32 − 1 do not fit a Seq.");
        _block.Number = number;
        _block.Timestamp = _options.StartTimestamp + (long)(number - _options.StartBlock) * _codec.BlockSeconds;
        _block.Count = 0;
        _blockTransfers = 0;
    }

    private void EndBlock()
    {
        _pipeline?.Add(_block);
        _blocks++;
        if (_progress is not null && _block.Number - _lastProgressBlock >= 256)
        {
            _lastProgressBlock = _block.Number;
            _progress.Report(_written);
        }
    }

    private void FillBackground(int quota)
    {
        while (_blockTransfers < quota)
        {
            if (_written + _pendingSweeps + _caseReserve + MaxActionCost <= _target) BackgroundAction();
            else if (_caseReserve == 0 && _written + _pendingSweeps < _target) TailTransfer();
            else return;
        }
    }
}

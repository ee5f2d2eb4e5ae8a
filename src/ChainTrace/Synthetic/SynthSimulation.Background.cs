using ChainTrace.Primitives;

namespace ChainTrace.Synthetic;

/// <summary>The background economy: exchanges, customers, OTC desks, a bridge, operators, scams.</summary>
internal sealed partial class SynthSimulation
{
    /// <summary>Integer log10 of transfers / 10k (0 at 10k, 3 at 10M) and whether the mantissa is ≥ 5.</summary>
    private static (int Decades, bool Half) Scale(long transfers)
    {
        long t = Math.Max(1, transfers / 10_000);
        int decades = 0;
        while (t >= 10) { t /= 10; decades++; }
        return (decades, t >= 5);
    }

    /// <summary>Default exchange count: 5 at 10k transfers, 20 at 10M.</summary>
    internal static int DefaultExchanges(long transfers)
    {
        var (d, half) = Scale(transfers);
        return 5 + 5 * d + (half ? 3 : 0);
    }

    /// <summary>Default number of planted cases: each kind once per decade of size above 10k.</summary>
    internal static int DefaultCases(long transfers) => CaseKinds.Length * (1 + Math.Min(3, Scale(transfers).Decades));

    private void BuildWorld()
    {
        var (decades, _) = Scale(_target);
        int exchanges = _options.Exchanges > 0 ? _options.Exchanges : DefaultExchanges(_target);
        for (int e = 0; e < exchanges; e++)
        {
            int entity = AddEntity($"exchange-{e}", "exchange", $"Exchange {e}");
            _exchanges.Add(entity);
            int hotCount = 1 + (e % 3 == 0 ? 2 : e % 3 == 1 ? 1 : 0);
            bool labelledExchange = e % 4 != 3;
            for (int h = 0; h < hotCount; h++)
            {
                int hot = NewEntityAddress(entity, AddressRole.HotWallet, prefunded: true);
                _entities[entity].HotWallets.Add(hot);
                if (labelledExchange && (h == 0 || _rng.Chance(50)))
                    Label(hot, LabelCategories.Exchange, $"Exchange {e} hot wallet {h}");
            }
        }

        int otc = 2 + Math.Min(3, decades);
        for (int i = 0; i < otc; i++)
        {
            int entity = AddEntity($"otc-{i}", "otc", $"OTC desk {i}");
            int desk = NewEntityAddress(entity, AddressRole.Otc, prefunded: true);
            _otcDesks.Add(desk);
            if (i == 0 || i < otc - 1) Label(desk, LabelCategories.Otc, $"OTC desk {i}");
        }

        int gas = 1 + Math.Min(2, decades / 2);
        for (int i = 0; i < gas; i++)
        {
            int entity = AddEntity($"service-gas-{i}", "service", $"Gas station {i}");
            _gasServices.Add(NewEntityAddress(entity, AddressRole.GasService, prefunded: true));
        }

        int bridgeEntity = AddEntity("service-bridge", "service", "Token bridge");
        _bridge = NewEntityAddress(bridgeEntity, AddressRole.Bridge, prefunded: true);
        _bridgeRelayer = NewEntityAddress(bridgeEntity, AddressRole.BridgeRelayer, prefunded: true);
        Label(_bridge, LabelCategories.Bridge, "Token bridge");

        int operators = (int)Math.Clamp(_target / 20_000, 3, 1000);
        for (int i = 0; i < operators; i++)
        {
            int entity = AddEntity($"operator-{i}", "operator", $"Operator {i}");
            var op = new OperatorState
            {
                Entity = entity,
                Funder = NewEntityAddress(entity, AddressRole.OperatorFunder, prefunded: true),
                Exchange = _rng.Next(_exchanges.Count),
                MaxBurners = _rng.Between(4, 10),
            };
            _entities[entity].GasFunder = op.Funder;
            op.Vault = NewEntityAddress(entity, AddressRole.OperatorVault);
            op.Spender = NewEntityAddress(entity, AddressRole.OperatorSpender);
            _operators.Add(op);
        }

        // Customers: contiguous address ranges, 1-4 addresses each, one or two exchanges.
        _customers = (int)Math.Max(300, _target / 25);
        _custFirst = new int[_customers];
        _custCount = new byte[_customers];
        _custExchange = new byte[2 * _customers];
        _custDeposit = new int[2 * _customers];
        _custDepositSenders = new byte[2 * _customers];
        Array.Fill(_custDeposit, -1);
        for (int c = 0; c < _customers; c++)
        {
            int r = _rng.Next(100);
            int count = r < 45 ? 1 : r < 70 ? 2 : r < 88 ? 3 : 4;
            _custCount[c] = (byte)count;
            _custFirst[c] = _addressCount;
            for (int i = 0; i < count; i++) NewAddress(-(c + 1), AddressRole.Customer);
            int ex1 = _rng.Chance(50) ? _rng.Next(_exchanges.Count) : _rng.MildlySkewed(_exchanges.Count);
            _custExchange[2 * c] = (byte)ex1;
            int ex2 = _exchanges.Count > 1 && _rng.Chance(30) ? (ex1 + 1 + _rng.Next(_exchanges.Count - 1)) % _exchanges.Count : 255;
            _custExchange[2 * c + 1] = (byte)ex2;
        }
    }

    private void InitialFunding()
    {
        IssueToTreasury(5_000_000_000 * Usdt);
        for (int e = 0; e < _exchanges.Count; e++)
            foreach (int hot in _entities[_exchanges[e]].HotWallets)
                Transfer(_treasury, hot, (long)_rng.Between(5_000_000, 50_000_000) * Usdt);
        foreach (int desk in _otcDesks) Transfer(_treasury, desk, (long)_rng.Between(1_000_000, 10_000_000) * Usdt);
        Transfer(_treasury, _bridge, 5_000_000 * Usdt);
    }

    private void BackgroundAction()
    {
        int r = _rng.Next(100);
        if (r < 24) CustomerDeposit();
        else if (r < 46) CustomerWithdrawal();
        else if (r < 76) PeerToPeer();
        else if (r < 82) OtcTrade();
        else if (r < 86) BridgeUse();
        else if (r < 91) OperatorCycle();
        else if (r < 92) ScamPayment();
        else if (r < 94) HotWalletRebalance();
        else PeerToPeer();
    }

    private int CustomerAddress(int c) => _custFirst[c] + _rng.Next(_custCount[c]);

    /// <summary>An active customer's address; when it holds nothing the exchange pays it a withdrawal instead (returns −1).</summary>
    private int FundedSender(int c)
    {
        int a = CustomerAddress(c);
        if (_balance[a] > 0) return a;
        WithdrawToCustomer(c, a);
        return -1;
    }

    private long Portion(long balance, int minPercent, int maxPercent)
    {
        int pct = _rng.Between(minPercent, maxPercent);
        long amount = pct >= 100 ? balance : balance / 100 * pct + _rng.NextLong(Math.Max(1, balance % 100 + 1));
        return Math.Clamp(amount, 1, balance);
    }

    private void WithdrawToCustomer(int c, int address)
    {
        int slot = _custExchange[2 * c + 1] != 255 && _rng.Chance(35) ? 1 : 0;
        Withdraw(_custExchange[2 * c + slot], address, _rng.TokenAmount());
    }

    private void CustomerDeposit()
    {
        int c = _rng.Skewed(_customers);
        int a = FundedSender(c);
        if (a < 0) return;
        int slot = _custExchange[2 * c + 1] != 255 && _rng.Chance(35) ? 1 : 0;
        int dep = _custDeposit[2 * c + slot];
        if (dep < 0)
        {
            dep = NewDeposit(_custExchange[2 * c + slot], -(c + 1));
            _custDeposit[2 * c + slot] = dep;
        }
        Transfer(a, dep, Portion(_balance[a], 50, 100));
    }

    private void CustomerWithdrawal()
    {
        int c = _rng.MildlySkewed(_customers);
        WithdrawToCustomer(c, CustomerAddress(c));
    }

    private void PeerToPeer()
    {
        int c = _rng.Skewed(_customers);
        int a = FundedSender(c);
        if (a < 0) return;
        int c2 = _rng.MildlySkewed(_customers);
        if (c2 == c) c2 = (c + 1) % _customers;
        Transfer(a, CustomerAddress(c2), Portion(_balance[a], 5, 100));
    }

    private void OtcTrade()
    {
        int desk = _otcDesks[_rng.Next(_otcDesks.Count)];
        if (_rng.Chance(50))
        {
            long amount = _rng.TokenAmount() * 4;
            EnsureServiceBalance(desk, amount);
            Transfer(desk, CustomerAddress(_rng.MildlySkewed(_customers)), amount);
        }
        else
        {
            int a = FundedSender(_rng.Skewed(_customers));
            if (a >= 0) Transfer(a, desk, Portion(_balance[a], 30, 100));
        }
    }

    private void BridgeUse()
    {
        if (_rng.Chance(50))
        {
            int a = FundedSender(_rng.Skewed(_customers));
            if (a < 0) return;
            if ((_flags[a] & FlagBridgeApproved) == 0)
            {
                // Unlimited approval to the bridge contract, which then pulls tokens in a call the holder sends:
                // an approval that must NOT merge the holder with the bridge.
                Approve(a, _bridge, -1, sameOwner: false, spenderSendsTx: false);
                _flags[a] |= FlagBridgeApproved;
            }
            TokenTransfer(TxKind.BridgeDeposit, a, _bridge, a, _bridge, Portion(_balance[a], 20, 100));
        }
        else
        {
            long amount = _rng.TokenAmount();
            EnsureServiceBalance(_bridge, amount);
            TokenTransfer(TxKind.BridgePayout, _bridgeRelayer, _bridge, _bridge, CustomerAddress(_rng.MildlySkewed(_customers)), amount);
        }
    }

    private void OperatorCycle()
    {
        var op = _operators[_rng.Skewed(_operators.Count)];
        long amount = _rng.TokenAmount();
        if (_balance[op.Vault] < amount) Withdraw(op.Exchange, op.Vault, amount + _rng.TokenAmount());
        int burner;
        if (op.Burners.Count == 0 || (op.Burners.Count < op.MaxBurners && _rng.Chance(60)))
        {
            burner = NewEntityAddress(op.Entity, AddressRole.OperatorBurner);
            op.Burners.Add(burner);
            Native(op.Funder, burner, _rng.GasAmount()); // fresh burner funded right before its first move
        }
        else
        {
            burner = op.Burners[_rng.Next(op.Burners.Count)];
        }
        if (_rng.Chance(50))
        {
            Transfer(op.Vault, burner, amount);
        }
        else
        {
            if (op.Allowance < amount)
            {
                long allowance = amount * 4;
                Approve(op.Vault, op.Spender, allowance, sameOwner: true, spenderSendsTx: true);
                op.Allowance = allowance;
            }
            TokenTransfer(TxKind.TransferFrom, op.Spender, ChainCodec.Contract, op.Vault, burner, amount);
            op.Allowance -= amount;
        }
        if (op.Deposit < 0) op.Deposit = NewDeposit(op.Exchange, op.Entity);
        Transfer(burner, op.Deposit, _balance[burner]);
    }

    private void ScamPayment()
    {
        if (_currentScam is null)
        {
            int n = _scamCount++;
            int entity = AddEntity($"scam-{n}", "scam", $"Scam {n}");
            var scam = new ScamState { Entity = entity, PaymentsLeft = _rng.Between(8, 30) };
            scam.Address = NewEntityAddress(entity, AddressRole.Scam);
            if (_rng.Chance(60)) Label(scam.Address, LabelCategories.Scam, $"Scam {n}");
            _currentScam = scam;
        }
        int a = FundedSender(_rng.Skewed(_customers));
        if (a < 0) return;
        Transfer(a, _currentScam.Address, Portion(_balance[a], 10, 60));
        if (--_currentScam.PaymentsLeft == 0)
        {
            Blacklist(_currentScam.Address);
            if ((_scamCount & 1) == 0 && (_flags[_currentScam.Address] & FlagLabelled) == 0) Label(_currentScam.Address, LabelCategories.Sanctioned, $"Blacklisted scam {_scamCount - 1}");
            _currentScam = null;
        }
    }

    private void HotWalletRebalance()
    {
        var hot = _entities[_exchanges[_rng.Next(_exchanges.Count)]].HotWallets;
        if (hot.Count < 2) { PeerToPeer(); return; }
        int i = _rng.Next(hot.Count), j = (i + 1 + _rng.Next(hot.Count - 1)) % hot.Count;
        if (_balance[hot[i]] < 2) { PeerToPeer(); return; }
        Transfer(hot[i], hot[j], Portion(_balance[hot[i]], 10, 50));
    }

    /// <summary>One plain transfer with no side effects, used to land exactly on the requested count.</summary>
    private void TailTransfer()
    {
        for (int attempt = 0; attempt < 64; attempt++)
        {
            int a = CustomerAddress(_rng.Skewed(_customers));
            if (_balance[a] > 0)
            {
                int c2 = _rng.MildlySkewed(_customers);
                Transfer(a, CustomerAddress(c2), Portion(_balance[a], 5, 100));
                return;
            }
        }
        int from = _balance[_treasury] > 0 ? _treasury : _entities[_exchanges[0]].HotWallets[0];
        Transfer(from, CustomerAddress(_rng.MildlySkewed(_customers)), 1);
    }
}

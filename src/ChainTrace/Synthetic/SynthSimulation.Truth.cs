using System.Globalization;
using System.Text;
using System.Text.Json;

namespace ChainTrace.Synthetic;

/// <summary>Labels and ground truth, written once the history is complete (cold path).</summary>
internal sealed partial class SynthSimulation
{
    private string EntityId(int ownerCode) => IsCustomerCode(ownerCode) ? $"customer-{CustomerOf(ownerCode)}" : _entities[ownerCode].Id;

    private string EntityKind(int ownerCode) => IsCustomerCode(ownerCode) ? "customer" : _entities[ownerCode].Kind;

    private bool IsSeen(int id) => (_flags[id] & FlagSeen) != 0;

    /// <summary>Writes labels.csv: labelled addresses that appear on chain, in the profile's address format.</summary>
    public void WriteLabels(string path)
    {
        using var w = new StreamWriter(path, false, new UTF8Encoding(false)) { NewLine = "\n" };
        w.WriteLine("address,category,name,source");
        foreach (var (address, category, name) in _labels)
        {
            if (!IsSeen(address)) continue;
            w.Write(_codec.Display(address));
            w.Write(',');
            w.Write(category);
            w.Write(',');
            w.Write(name);
            w.WriteLine(",synth");
        }
    }

    /// <summary>Writes ground-truth.json (schema in docs/SYNTH.md, model in <see cref="GroundTruth"/>).</summary>
    public void WriteGroundTruth(string path)
    {
        using var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.Read, 1 << 16);
        using var w = new Utf8JsonWriter(file, new JsonWriterOptions { Indented = _target <= 1_000_000 });
        w.WriteStartObject();
        w.WriteNumber("schemaVersion", 1);
        WriteRun(w);
        WriteTotals(w);
        WriteEntities(w);
        WriteDeposits(w);
        WriteGasFunders(w);
        WriteApprovals(w);
        WriteBlacklisted(w);
        WriteCases(w);
        w.WriteEndObject();
    }

    private void WriteRun(Utf8JsonWriter w)
    {
        w.WriteStartObject("run");
        w.WriteNumber("seed", _options.Seed);
        w.WriteNumber("transfers", _options.Transfers);
        w.WriteString("profile", _codec.Profile.Name);
        w.WriteNumber("chainId", _codec.Profile.ChainId);
        w.WriteString("token", _codec.Hex(ChainCodec.Contract));
        w.WriteNumber("decimals", _codec.Token.Decimals);
        if (_codec.HasIssuer) w.WriteString("issuer", _codec.Hex(_treasury));
        else w.WriteNull("issuer");
        w.WriteString("treasury", _codec.Hex(_treasury));
        w.WriteNumber("startBlock", _options.StartBlock);
        w.WriteNumber("endBlock", _block.Number);
        w.WriteNumber("startTimestamp", _options.StartTimestamp);
        w.WriteNumber("blockSeconds", _codec.BlockSeconds);
        w.WriteBoolean("timestampsInMilliseconds", _codec.Profile.TimestampsInMilliseconds);
        w.WriteNumber("maxSweepDelayBlocks", MaxSweepDelay);
        w.WriteNumber("minSweepPercent", 99);
        w.WriteNumber("logsBlocksPerLine", JsonRpcWriter.BlocksPerLogsLine);
        w.WriteEndObject();
    }

    private void WriteTotals(Utf8JsonWriter w)
    {
        long addresses = 0;
        for (int i = 0; i < _addressCount; i++) if (IsSeen(i)) addresses++;
        w.WriteStartObject("totals");
        w.WriteNumber("transfers", _written);
        w.WriteNumber("blocks", _blocks);
        w.WriteNumber("transactions", _transactions);
        w.WriteNumber("nativeTransfers", _native);
        w.WriteNumber("approvals", _approvals);
        w.WriteNumber("issues", _issues);
        w.WriteString("issued", _issued.ToString(CultureInfo.InvariantCulture));
        w.WriteNumber("blacklistings", _blacklistings.Count);
        w.WriteNumber("addresses", addresses);
        w.WriteEndObject();
    }

    private void WriteAddressArray(Utf8JsonWriter w, string name, IEnumerable<int> ids)
    {
        w.WriteStartArray(name);
        foreach (int id in ids) w.WriteStringValue(_codec.Hex(id));
        w.WriteEndArray();
        if (w.BytesPending > 1 << 20) w.Flush();
    }

    private void WriteEntities(Utf8JsonWriter w)
    {
        // Bucket the seen addresses of non-customer entities (counting sort keeps id order).
        var start = new int[_entities.Count + 1];
        for (int id = 0; id < _addressCount; id++)
            if (IsSeen(id) && _owner[id] >= 0) start[_owner[id] + 1]++;
        for (int e = 0; e < _entities.Count; e++) start[e + 1] += start[e];
        var members = new int[start[_entities.Count]];
        var fill = (int[])start.Clone();
        for (int id = 0; id < _addressCount; id++)
            if (IsSeen(id) && _owner[id] >= 0) members[fill[_owner[id]]++] = id;

        // Deposit addresses used by non-customer entities.
        var usedBy = new Dictionary<int, List<int>>();
        for (int id = 0; id < _addressCount; id++)
        {
            if (!IsSeen(id) || RoleOf(id) != AddressRole.Deposit || IsCustomerCode(_aux[id])) continue;
            if (!usedBy.TryGetValue(_aux[id], out var list)) usedBy[_aux[id]] = list = [];
            list.Add(id);
        }

        w.WriteStartArray("entities");
        for (int e = 0; e < _entities.Count; e++)
        {
            var span = members.AsSpan(start[e], start[e + 1] - start[e]);
            if (span.IsEmpty) continue;
            var entity = _entities[e];
            var ids = span.ToArray();
            w.WriteStartObject();
            w.WriteString("id", entity.Id);
            w.WriteString("kind", entity.Kind);
            w.WriteString("name", entity.Name);
            w.WriteBoolean("labelled", ids.Any(a => (_flags[a] & FlagLabelled) != 0));
            WriteAddressArray(w, "addresses", ids);
            if (entity.Kind == "exchange")
            {
                WriteAddressArray(w, "hotWallets", entity.HotWallets.Where(IsSeen));
                WriteAddressArray(w, "depositAddresses", ids.Where(a => RoleOf(a) == AddressRole.Deposit));
            }
            if (usedBy.TryGetValue(e, out var deposits)) WriteAddressArray(w, "usesDepositAddresses", deposits);
            w.WriteEndObject();
        }
        var addresses = new List<int>(4);
        for (int c = 0; c < _customers; c++)
        {
            addresses.Clear();
            for (int i = 0; i < _custCount[c]; i++)
                if (IsSeen(_custFirst[c] + i)) addresses.Add(_custFirst[c] + i);
            if (addresses.Count == 0) continue;
            w.WriteStartObject();
            w.WriteString("id", $"customer-{c}");
            w.WriteString("kind", "customer");
            w.WriteString("name", $"Customer {c}");
            w.WriteBoolean("labelled", false);
            WriteAddressArray(w, "addresses", addresses);
            int d0 = _custDeposit[2 * c], d1 = _custDeposit[2 * c + 1];
            if (d0 >= 0 || d1 >= 0)
            {
                w.WriteStartArray("usesDepositAddresses");
                if (d0 >= 0) w.WriteStringValue(_codec.Hex(d0));
                if (d1 >= 0) w.WriteStringValue(_codec.Hex(d1));
                w.WriteEndArray();
            }
            w.WriteEndObject();
        }
        w.WriteEndArray();
    }

    private void WriteDeposits(Utf8JsonWriter w)
    {
        w.WriteStartArray("depositAddresses");
        for (int id = 0; id < _addressCount; id++)
        {
            if (!IsSeen(id) || RoleOf(id) != AddressRole.Deposit) continue;
            int user = _aux[id];
            w.WriteStartObject();
            w.WriteString("address", _codec.Hex(id));
            w.WriteString("exchange", _entities[_owner[id]].Id);
            w.WriteString("user", EntityId(user));
            w.WriteString("sweepsTo", _codec.Hex(HotWalletForSweep(id)));
            w.WriteStartArray("senders");
            if (IsCustomerCode(user))
            {
                int c = CustomerOf(user);
                int slot = _custDeposit[2 * c] == id ? 2 * c : 2 * c + 1;
                for (int i = 0; i < _custCount[c]; i++)
                    if ((_custDepositSenders[slot] & (1 << i)) != 0) w.WriteStringValue(_codec.Hex(_custFirst[c] + i));
            }
            if (_depositForeignSenders.TryGetValue(id, out var foreign))
                foreach (int s in foreign) w.WriteStringValue(_codec.Hex(s));
            w.WriteEndArray();
            w.WriteEndObject();
            if (w.BytesPending > 1 << 20) w.Flush();
        }
        w.WriteEndArray();
    }

    private void WriteGasFunders(Utf8JsonWriter w)
    {
        w.WriteStartArray("gasFunders");
        foreach (int funder in _funderOrder)
        {
            var stats = _funderStats[funder];
            bool merge = stats.Funded is not null && stats.Funded.All(a => _owner[a] == _owner[funder] && RoleOf(a) != AddressRole.Deposit);
            w.WriteStartObject();
            w.WriteString("funder", _codec.Hex(funder));
            w.WriteString("entity", EntityId(_owner[funder]));
            w.WriteString("kind", EntityKind(_owner[funder]));
            w.WriteBoolean("shouldMerge", merge);
            w.WriteNumber("fundedCount", stats.Count);
            if (merge) WriteAddressArray(w, "funded", stats.Funded!);
            else w.WriteNull("funded");
            w.WriteEndObject();
        }
        w.WriteEndArray();
    }

    private void WriteApprovals(Utf8JsonWriter w)
    {
        w.WriteStartArray("approvals");
        foreach (var (owner, spender, sameOwner, spenderSendsTx) in _approvalPairs)
        {
            w.WriteStartObject();
            w.WriteString("owner", _codec.Hex(owner));
            w.WriteString("spender", _codec.Hex(spender));
            w.WriteBoolean("shouldMerge", sameOwner && _owner[owner] == _owner[spender]);
            w.WriteBoolean("spenderSendsTx", spenderSendsTx);
            w.WriteEndObject();
        }
        w.WriteEndArray();
    }

    private void WriteBlacklisted(Utf8JsonWriter w)
    {
        w.WriteStartArray("blacklisted");
        foreach (var (address, block) in _blacklistings)
        {
            w.WriteStartObject();
            w.WriteString("address", _codec.Hex(address));
            w.WriteNumber("block", block);
            w.WriteString("entity", EntityId(_owner[address]));
            w.WriteEndObject();
        }
        w.WriteEndArray();
    }

    private long TimestampOf(ulong block) => _options.StartTimestamp + (long)(block - _options.StartBlock) * _codec.BlockSeconds;

    private string TerminalKind(int address) => RoleOf(address) switch
    {
        AddressRole.Deposit => "deposit",
        AddressRole.HotWallet => "hot-wallet",
        AddressRole.Otc => "otc",
        var r => throw new InvalidOperationException($"Terminal of role {r}."),
    };

    private void WriteCases(Utf8JsonWriter w)
    {
        w.WriteStartArray("cases");
        foreach (var plan in _cases)
        {
            w.WriteStartObject();
            w.WriteString("id", plan.Id);
            w.WriteString("kind", plan.Kind);
            w.WriteString("scam", _entities[plan.ScamEntity].Id);
            WriteAddressArray(w, "seeds", plan.Seeds);
            w.WriteStartArray("victims");
            long seeded = 0;
            foreach (var (entity, address, amount) in plan.Victims)
            {
                w.WriteStartObject();
                w.WriteString("entity", _entities[entity].Id);
                w.WriteString("address", _codec.Hex(address));
                w.WriteString("amount", amount.ToString(CultureInfo.InvariantCulture));
                w.WriteEndObject();
                seeded += amount;
            }
            w.WriteEndArray();
            w.WriteString("seeded", seeded.ToString(CultureInfo.InvariantCulture));
            w.WriteNumber("maxHops", plan.MaxHops);
            w.WriteNumber("fromBlock", plan.FromBlock);
            w.WriteNumber("toBlock", plan.ToBlock);
            w.WriteNumber("fromTimestamp", TimestampOf(plan.FromBlock));
            w.WriteNumber("toTimestamp", TimestampOf(plan.ToBlock));
            w.WriteStartArray("addresses");
            foreach (var (address, role, hop) in plan.Addresses)
            {
                w.WriteStartObject();
                w.WriteString("address", _codec.Hex(address));
                w.WriteString("role", role);
                w.WriteNumber("hop", hop);
                w.WriteString("entity", EntityId(_owner[address]));
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteStartObject("expected");
            for (int m = 0; m < Models.Length; m++) WriteOutcome(w, Models[m], plan.Expected[m]);
            w.WriteEndObject();
            w.WriteEndObject();
        }
        w.WriteEndArray();
    }

    private void WriteOutcome(Utf8JsonWriter w, string model, ModelOutcome outcome)
    {
        w.WriteStartObject(model);
        long terminalTotal = outcome.Terminals.Sum(t => t.Amount);
        long heldTotal = outcome.Held.Sum(t => t.Amount);
        w.WriteString("totalTerminal", terminalTotal.ToString(CultureInfo.InvariantCulture));
        w.WriteString("totalHeld", heldTotal.ToString(CultureInfo.InvariantCulture));
        w.WriteStartArray("terminals");
        var entities = new List<int>();
        foreach (var (address, _) in outcome.Terminals)
            if (!entities.Contains(_owner[address])) entities.Add(_owner[address]);
        foreach (int entity in entities)
        {
            var via = outcome.Terminals.Where(t => _owner[t.Address] == entity).ToList();
            w.WriteStartObject();
            w.WriteString("entity", EntityId(entity));
            w.WriteString("kind", EntityKind(entity));
            w.WriteString("amount", via.Sum(v => v.Amount).ToString(CultureInfo.InvariantCulture));
            w.WriteStartArray("via");
            foreach (var (address, amount) in via)
            {
                w.WriteStartObject();
                w.WriteString("address", _codec.Hex(address));
                w.WriteString("kind", TerminalKind(address));
                w.WriteString("amount", amount.ToString(CultureInfo.InvariantCulture));
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteStartArray("held");
        foreach (var (address, amount) in outcome.Held)
        {
            if (amount == 0) continue;
            w.WriteStartObject();
            w.WriteString("address", _codec.Hex(address));
            w.WriteString("entity", EntityId(_owner[address]));
            w.WriteString("amount", amount.ToString(CultureInfo.InvariantCulture));
            w.WriteBoolean("blacklisted", (_flags[address] & FlagBlacklisted) != 0);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteEndObject();
    }
}

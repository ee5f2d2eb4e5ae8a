using Xunit;
using System.Globalization;
using System.Numerics;
using System.Text.RegularExpressions;
using ChainTrace.Primitives;
using ChainTrace.Synthetic;

namespace ChainTrace.Tests.Synthetic;

/// <summary>The generated files are a consistent chain: balances, positions, hashes, shapes, and ETL = JSON-RPC.</summary>
public sealed partial class SynthChainDataTests(Synth10kFixture fixture) : IClassFixture<Synth10kFixture>
{
    private readonly SynthOutput _out = fixture.Output;

    [GeneratedRegex("^0x(0|[1-9a-f][0-9a-f]*)$")]
    private static partial Regex Quantity();

    [GeneratedRegex("^0x[0-9a-f]{64}$")]
    private static partial Regex Hash();

    internal static void AssertConservation(SynthOutput output)
    {
        var issuer = output.Truth.Run.Issuer is { } i ? Address.Parse(i) : (Address?)null;
        var balances = new Dictionary<Address, BigInteger>();
        BigInteger issued = 0;
        foreach (var l in output.Logs.OrderBy(l => l.Seq))
        {
            if (l.Kind == "Issue")
            {
                Assert.NotNull(issuer);
                balances[issuer.Value] = balances.GetValueOrDefault(issuer.Value) + l.Amount;
                issued += l.Amount;
            }
            else if (l.Kind == "Transfer")
            {
                Assert.True(l.Amount > 0, $"zero-amount transfer at {l.Seq}");
                var after = balances.GetValueOrDefault(l.From) - l.Amount;
                if (!l.From.IsZero) Assert.True(after.Sign >= 0, $"{l.From} overdrawn at {l.Seq}");
                else issued += l.Amount;
                balances[l.From] = after;
                balances[l.To] = balances.GetValueOrDefault(l.To) + l.Amount;
            }
        }
        Assert.True(issued > 0);
        Assert.All(balances.Where(b => !b.Key.IsZero), b => Assert.True(b.Value.Sign >= 0));
        Assert.Equal(issued, balances.Where(b => !b.Key.IsZero).Aggregate(BigInteger.Zero, (s, b) => s + b.Value));
        Assert.Equal(issued.ToString(CultureInfo.InvariantCulture), output.Truth.Totals.Issued);
        Assert.Equal(output.Truth.Run.Issuer is null ? output.Transfers.Count(t => t.From.IsZero) : output.Logs.Count(l => l.Kind == "Issue"), output.Truth.Totals.Issues);
    }

    [Fact]
    public void Balances_NeverNegative_AndSumToIssued() => AssertConservation(_out);

    [Fact]
    public void Balances_Tron_NeverNegative_AndSumToMinted()
    {
        using var dir = new SynthTempDir();
        AssertConservation(SynthOutput.Generate(new SynthOptions { Profile = ChainProfile.Tron, Seed = 8 }, dir.Path, blocks: false));
    }

    [Fact]
    public void Blocks_AreConsecutive_WithChainedParentHashes_AndRegularTimes()
    {
        var blocks = _out.Blocks;
        Assert.Equal(_out.Truth.Run.StartBlock, blocks[0].Number);
        for (int i = 0; i < blocks.Count; i++)
        {
            var b = blocks[i];
            Assert.Matches(Hash(), b.Hash);
            Assert.Equal(blocks[0].Timestamp + (long)(b.Number - blocks[0].Number) * 12, b.Timestamp);
            if (i == 0) continue;
            Assert.Equal(blocks[i - 1].Number + 1, b.Number);
            Assert.Equal(blocks[i - 1].Hash, b.ParentHash);
        }
        Assert.Equal(blocks.Count, blocks.Select(b => b.Hash).Distinct().Count());
    }

    [Fact]
    public void Transactions_HaveConsecutiveIndices_UniqueHashes_AndPerSenderNonces()
    {
        var nonces = new Dictionary<Address, ulong>();
        var hashes = new HashSet<string>();
        foreach (var b in _out.Blocks)
        {
            Assert.True(b.Transactions.Count <= 65536);
            for (int i = 0; i < b.Transactions.Count; i++)
            {
                var tx = b.Transactions[i];
                Assert.Equal((uint)i, tx.Index);
                Assert.Equal(b.Number, tx.Block);
                Assert.Matches(Hash(), tx.Hash);
                Assert.True(hashes.Add(tx.Hash), "duplicate tx hash");
                ulong expected = nonces.GetValueOrDefault(tx.From);
                Assert.Equal(expected, tx.Nonce);
                nonces[tx.From] = expected + 1;
            }
        }
    }

    [Fact]
    public void Logs_HaveBlockWideIndices_MatchingTheirTransactionsAndBlocks()
    {
        var blocks = _out.Blocks.ToDictionary(b => b.Number);
        var contract = "0x" + Convert.ToHexStringLower(ChainProfile.Ethereum.DefaultToken.Contract.ToArray());
        foreach (var group in _out.Logs.GroupBy(l => l.Block))
        {
            var block = blocks[group.Key];
            uint expectedIndex = 0;
            uint lastTx = 0;
            foreach (var l in group)
            {
                Assert.Equal(expectedIndex++, l.LogIndex);
                Assert.True(l.TxIndex >= lastTx, "logIndex must increase with transactionIndex");
                lastTx = l.TxIndex;
                Assert.Equal(block.Hash, l.BlockHash);
                Assert.Equal(block.Timestamp, l.BlockTimestamp);
                var tx = block.Transactions[(int)l.TxIndex];
                Assert.Equal(tx.Hash, l.TxHash);
                Assert.Equal(contract, l.Contract);
            }
        }
        // Every transaction carries exactly one log or native value.
        int logTxs = _out.Logs.Select(l => (l.Block, l.TxIndex)).Distinct().Count();
        Assert.Equal(_out.Logs.Count, logTxs);
        Assert.Equal(_out.Result.Transactions, logTxs + _out.Result.NativeTransfers);
    }

    [Fact]
    public void Logs_HaveTheRealEventShapes()
    {
        var selectors = new Dictionary<string, string>
        {
            ["transfer"] = "0xa9059cbb",
            ["transferFrom"] = "0x23b872dd",
            ["approve"] = "0x095ea7b3",
            ["issue"] = "0xcc872b66",
            ["addBlackList"] = "0x0ecb93c0",
        };
        var txs = _out.Blocks.SelectMany(b => b.Transactions).ToDictionary(t => t.Hash);
        var approvals = new HashSet<(Address, Address)>();
        var contract = ChainProfile.Ethereum.DefaultToken.Contract;
        foreach (var l in _out.Logs)
        {
            Assert.Equal(66, l.Data.Length);
            var tx = txs[l.TxHash];
            Assert.True(tx.Value.IsZero);
            switch (l.Kind)
            {
                case "Transfer":
                    Assert.Equal(3, l.Topics.Count);
                    Assert.Equal(l.Amount, SynthOutput.HexNumber("0x" + tx.Input[^64..]));
                    if (tx.Input.StartsWith(selectors["transfer"], StringComparison.Ordinal))
                    {
                        Assert.Equal(l.From, tx.From);
                        Assert.Equal(contract, tx.To);
                        Assert.Equal(l.To, SynthOutput.WordAddress("0x" + tx.Input[10..74]));
                    }
                    else if (tx.Input.StartsWith(selectors["transferFrom"], StringComparison.Ordinal))
                    {
                        Assert.NotEqual(l.From, tx.From); // sent by the spender
                        Assert.Contains((l.From, tx.From), approvals);
                    }
                    else if (tx.Input.StartsWith(selectors["issue"], StringComparison.Ordinal))
                    {
                        Assert.True(l.From.IsZero);
                    }
                    else
                    {
                        // Bridge deposit (tx to the bridge, which pulls approved tokens) or bridge payout (relayer).
                        Assert.True(tx.To == l.To || tx.To == l.From, $"unexpected tx shape for transfer in {l.TxHash}");
                        if (tx.To == l.To) Assert.Contains((l.From, l.To), approvals);
                    }
                    break;
                case "Approval":
                    Assert.Equal(3, l.Topics.Count);
                    Assert.StartsWith(selectors["approve"], tx.Input, StringComparison.Ordinal);
                    Assert.Equal(l.From, tx.From);
                    approvals.Add((l.From, l.To));
                    break;
                case "Issue":
                    Assert.Single(l.Topics);
                    Assert.StartsWith(selectors["issue"], tx.Input, StringComparison.Ordinal);
                    Assert.Equal(Address.Parse(_out.Truth.Run.Issuer!), tx.From);
                    break;
                case "AddedBlackList":
                    Assert.Single(l.Topics);
                    Assert.StartsWith(selectors["addBlackList"], tx.Input, StringComparison.Ordinal);
                    break;
                default:
                    Assert.Fail($"unexpected log kind {l.Kind}");
                    break;
            }
        }
        Assert.Contains(_out.Logs, l => l.Kind == "Issue");
        Assert.Contains(_out.Logs, l => l.Kind == "AddedBlackList");
        Assert.Contains(_out.Logs, l => l.Kind == "Approval");
    }

    [Fact]
    public void JsonRpc_QuantitiesHaveNoLeadingZeros()
    {
        foreach (var line in SynthOutput.ReadLines(_out.Result.JsonRpcFiles[0]).Take(5).Concat(SynthOutput.ReadLines(_out.Result.JsonRpcFiles[1]).Take(20)))
        {
            foreach (Match m in Regex.Matches(line, "\"(blockNumber|transactionIndex|logIndex|blockTimestamp|number|timestamp|nonce|value|gas|gasUsed)\":\"([^\"]*)\""))
                Assert.Matches(Quantity(), m.Groups[2].Value);
        }
    }

    [Fact]
    public void Etl_DescribesTheSameHistoryAsJsonRpc()
    {
        string etl = _out.Result.EtlDirectory!;
        var (tth, tt) = SynthOutput.ReadCsv(Path.Combine(etl, "token_transfers.csv"));
        Assert.Equal(["token_address", "from_address", "to_address", "value", "transaction_hash", "log_index", "block_number"], tth);
        var transfers = _out.Transfers.ToList();
        Assert.Equal(transfers.Count, tt.Count);
        for (int i = 0; i < transfers.Count; i++)
        {
            var (l, r) = (transfers[i], tt[i]);
            Assert.Equal(l.Contract, r["token_address"]);
            Assert.Equal(l.From, Address.Parse(r["from_address"]));
            Assert.Equal(l.To, Address.Parse(r["to_address"]));
            Assert.Equal(l.Amount, BigInteger.Parse(r["value"], CultureInfo.InvariantCulture));
            Assert.Equal(l.TxHash, r["transaction_hash"]);
            Assert.Equal(l.LogIndex.ToString(CultureInfo.InvariantCulture), r["log_index"]);
            Assert.Equal(l.Block.ToString(CultureInfo.InvariantCulture), r["block_number"]);
        }

        var (lh, logs) = SynthOutput.ReadCsv(Path.Combine(etl, "logs.csv"));
        Assert.Equal(["log_index", "transaction_hash", "transaction_index", "block_hash", "block_number", "address", "data", "topics"], lh);
        Assert.Equal(_out.Logs.Count, logs.Count);
        for (int i = 0; i < logs.Count; i++)
        {
            var (l, r) = (_out.Logs[i], logs[i]);
            Assert.Equal(l.LogIndex.ToString(CultureInfo.InvariantCulture), r["log_index"]);
            Assert.Equal(l.TxHash, r["transaction_hash"]);
            Assert.Equal(l.TxIndex.ToString(CultureInfo.InvariantCulture), r["transaction_index"]);
            Assert.Equal(l.BlockHash, r["block_hash"]);
            Assert.Equal(l.Block.ToString(CultureInfo.InvariantCulture), r["block_number"]);
            Assert.Equal(l.Contract, r["address"]);
            Assert.Equal(l.Data, r["data"]);
            Assert.Equal(string.Join(',', l.Topics), r["topics"]);
        }

        var (th, txs) = SynthOutput.ReadCsv(Path.Combine(etl, "transactions.csv"));
        Assert.Equal(["hash", "nonce", "block_hash", "block_number", "transaction_index", "from_address", "to_address", "value", "gas", "gas_price", "input", "block_timestamp", "max_fee_per_gas", "max_priority_fee_per_gas", "transaction_type", "max_fee_per_blob_gas", "blob_versioned_hashes"], th);
        var jsonTxs = _out.Blocks.SelectMany(b => b.Transactions.Select(t => (Block: b, Tx: t))).ToList();
        Assert.Equal(jsonTxs.Count, txs.Count);
        for (int i = 0; i < txs.Count; i++)
        {
            var ((b, t), r) = (jsonTxs[i], txs[i]);
            Assert.Equal(t.Hash, r["hash"]);
            Assert.Equal(t.Nonce.ToString(CultureInfo.InvariantCulture), r["nonce"]);
            Assert.Equal(b.Hash, r["block_hash"]);
            Assert.Equal(b.Number.ToString(CultureInfo.InvariantCulture), r["block_number"]);
            Assert.Equal(t.Index.ToString(CultureInfo.InvariantCulture), r["transaction_index"]);
            Assert.Equal(t.From, Address.Parse(r["from_address"]));
            Assert.Equal(t.To, Address.Parse(r["to_address"]));
            Assert.Equal(t.Value, BigInteger.Parse(r["value"], CultureInfo.InvariantCulture));
            Assert.Equal(t.Input, r["input"]);
            Assert.Equal(b.Timestamp.ToString(CultureInfo.InvariantCulture), r["block_timestamp"]);
        }

        var (bh, blocks) = SynthOutput.ReadCsv(Path.Combine(etl, "blocks.csv"));
        Assert.Equal(["number", "hash", "parent_hash", "nonce", "sha3_uncles", "logs_bloom", "transactions_root", "state_root", "receipts_root", "miner", "difficulty", "total_difficulty", "size", "extra_data", "gas_limit", "gas_used", "timestamp", "transaction_count", "base_fee_per_gas", "withdrawals_root", "withdrawals", "blob_gas_used", "excess_blob_gas"], bh);
        Assert.Equal(_out.Blocks.Count, blocks.Count);
        for (int i = 0; i < blocks.Count; i++)
        {
            var (b, r) = (_out.Blocks[i], blocks[i]);
            Assert.Equal(b.Number.ToString(CultureInfo.InvariantCulture), r["number"]);
            Assert.Equal(b.Hash, r["hash"]);
            Assert.Equal(b.ParentHash, r["parent_hash"]);
            Assert.Equal(b.Timestamp.ToString(CultureInfo.InvariantCulture), r["timestamp"]);
            Assert.Equal(b.Transactions.Count.ToString(CultureInfo.InvariantCulture), r["transaction_count"]);
        }
    }
}

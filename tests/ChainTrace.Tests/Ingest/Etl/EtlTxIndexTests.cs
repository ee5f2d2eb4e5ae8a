using ChainTrace.Ingest;
using ChainTrace.Ingest.Etl;
using ChainTrace.Primitives;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Xunit;

namespace ChainTrace.Tests.Ingest.Etl;

/// <summary>token_transfers lack transaction_index: exact from a transactions file read first, else the rank fallback.</summary>
public sealed class EtlTxIndexTests
{
    private static Arbitrary<(ChainSpec Chain, int Seed)> ChainAndSeed =>
        Gen.Zip(EtlGen.Chain, Gen.Choose(0, int.MaxValue)).Select(t => (t.Item1, t.Item2)).ToArbitrary();

    /// <summary>Reference: a transaction's rank among the block's distinct transfer transactions, by smallest log index.</summary>
    private static Dictionary<Hash32, uint> ReferenceRanks(BlockSpec block)
    {
        var ranks = new Dictionary<Hash32, uint>();
        foreach (var (hash, _) in block.Txs.SelectMany(t => t.Transfers.Select(x => (t.Hash, x.LogIndex))).OrderBy(p => p.LogIndex))
            ranks.TryAdd(hash, (uint)ranks.Count);
        return ranks;
    }

    private static List<string> SortedByPosition(IEnumerable<TokenEvent> events) =>
        Show.All(events.OrderBy(e => e.Block).ThenBy(e => e.LogIndex));

    [Property(MaxTest = 80)]
    public Property TransfersWithoutTransactions_GetRankFallback_OrderPreservedAndCounted() =>
        Prop.ForAll(ChainAndSeed, input =>
        {
            var (chain, seed) = input;
            var f = new EtlFormat(seed);
            bool json = f.Chance(0.5), withTime = f.Chance(0.5);
            // Rows of a block in random order: the fallback must rank by log index, not by file order.
            var table = EtlWriter.TokenTransfers(chain, withTime, withBlockHash: false, shuffleWithinBlock: f);
            string text = json ? EtlWriter.ToJsonLines(table, f) : EtlWriter.ToCsv(table, f);
            var context = new EtlContext();
            var sink = new EtlRecordingSink();
            EtlReaderRoundTripTests.Read(text, "token_transfers.csv", EtlTable.TokenTransfers, json, context, sink);

            var expected = chain.Blocks.SelectMany(b =>
            {
                var ranks = ReferenceRanks(b);
                return b.Txs.SelectMany(t => t.Transfers.Select(x =>
                    EtlReaderRoundTripTests.ExpectedTransfer(b, t, x, ranks[t.Hash], withTime, withBlockHash: false)));
            });
            Assert.Equal(SortedByPosition(expected), SortedByPosition(sink.Events));
            Assert.Equal(chain.Transfers.Count(), context.TxIndexFallbacks);

            // Ordering by the fallback Seq is the chain's true order of the transfers.
            var byTrue = chain.Transfers.OrderBy(p => p.Block.Number).ThenBy(p => p.Tx.Index).ThenBy(p => p.Transfer.LogIndex)
                .Select(p => (p.Block.Number, p.Transfer.LogIndex)).ToList();
            var bySeq = sink.Events.OrderBy(e => e.Seq).Select(e => (e.Block, e.LogIndex)).ToList();
            Assert.Equal(byTrue, bySeq);
        });

    [Property(MaxTest = 60)]
    public Property TransactionsForSomeBlocks_ExactThereAndFallbackElsewhere() =>
        Prop.ForAll(ChainAndSeed, input =>
        {
            var (chain, seed) = input;
            var f = new EtlFormat(seed);
            bool json = f.Chance(0.5);
            var covered = chain.Blocks.Where(_ => f.Chance(0.5)).Select(b => b.Number).ToHashSet();
            var partial = new ChainSpec(chain.Blocks.Where(b => covered.Contains(b.Number)).ToArray());
            var context = new EtlContext();
            var sink = new EtlRecordingSink();
            var txTable = EtlWriter.Transactions(partial, withTimestamp: true);
            var trTable = EtlWriter.TokenTransfers(chain, withTimestamp: true, withBlockHash: true);
            EtlReaderRoundTripTests.Read(json ? EtlWriter.ToJsonLines(txTable, f) : EtlWriter.ToCsv(txTable, f), "transactions.csv", EtlTable.Transactions, json, context, sink);
            EtlReaderRoundTripTests.Read(json ? EtlWriter.ToJsonLines(trTable, f) : EtlWriter.ToCsv(trTable, f), "token_transfers.csv", EtlTable.TokenTransfers, json, context, sink);

            var expected = chain.Blocks.SelectMany(b =>
            {
                var ranks = ReferenceRanks(b);
                bool exact = covered.Contains(b.Number);
                return b.Txs.SelectMany(t => t.Transfers.Select(x =>
                    Show.Of(EtlReaderRoundTripTests.ExpectedTransfer(b, t, x, exact ? t.Index : ranks[t.Hash], true, true))));
            }).ToList();
            Assert.Equal(expected, Show.All(sink.Events));
            Assert.Equal(chain.Blocks.Where(b => !covered.Contains(b.Number)).Sum(b => b.Txs.Sum(t => t.Transfers.Length)), context.TxIndexFallbacks);
        });

    [Fact]
    public void TransactionKnownInAnotherBlock_IsNotUsed()
    {
        string tx = "0x" + new string('a', 64);
        string addr = "0x" + new string('1', 40);
        var context = new EtlContext();
        var sink = new EtlRecordingSink();
        EtlReaderRoundTripTests.Read(
            $"hash,block_number,transaction_index,from_address,to_address,value\n{tx},100,7,{addr},{addr},0\n",
            "transactions.csv", EtlTable.Transactions, false, context, sink);
        EtlReaderRoundTripTests.Read(
            $"token_address,from_address,to_address,value,transaction_hash,log_index,block_number\n" +
            $"{addr},{addr},{addr},5,{tx},3,100\n{addr},{addr},{addr},6,{tx},9,101\n",
            "token_transfers.csv", EtlTable.TokenTransfers, false, context, sink);
        Assert.Equal([7u, 0u], sink.Events.Select(e => e.TxIndex));
        Assert.Equal(1, context.TxIndexFallbacks);
    }
}

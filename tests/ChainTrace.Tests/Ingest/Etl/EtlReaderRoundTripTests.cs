using System.Text;
using ChainTrace.Ingest;
using ChainTrace.Ingest.Etl;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Xunit;

namespace ChainTrace.Tests.Ingest.Etl;

/// <summary>Random chains written as ethereum-etl CSV and JSON lines read back to exactly the generated records.</summary>
public sealed class EtlReaderRoundTripTests
{
    internal static void Read(string text, string name, EtlTable table, bool json, EtlContext context, IChainEventSink sink, DecodeOptions? options = null) =>
        EtlReader.ReadAsync(new MemoryStream(Encoding.UTF8.GetBytes(text)), name, table, json, context, sink, options ?? DecodeOptions.Default)
            .GetAwaiter().GetResult();

    private static Arbitrary<(ChainSpec Chain, int Seed)> ChainAndSeed =>
        Gen.Zip(EtlGen.Chain, Gen.Choose(0, int.MaxValue)).Select(t => (t.Item1, t.Item2)).ToArbitrary();

    internal static List<string> ExpectedBlocks(ChainSpec chain, bool withTxCount) =>
        chain.Blocks.Select(b => Show.Of(new BlockHeader
        {
            Number = b.Number, Hash = b.Hash, ParentHash = b.Parent, Timestamp = b.Timestamp,
            TransactionCount = withTxCount ? b.Txs.Length : -1,
        })).ToList();

    internal static List<string> ExpectedTransactions(ChainSpec chain, bool timestampKnown) =>
        chain.Txs.Select(p => Show.Of(new TransactionRecord
        {
            Block = p.Block.Number, TxIndex = p.Tx.Index, Hash = p.Tx.Hash, From = p.Tx.From,
            To = p.Tx.To ?? default, HasTo = p.Tx.To is not null, Value = p.Tx.Value,
            Timestamp = timestampKnown ? p.Block.Timestamp : 0,
        })).ToList();

    internal static TokenEvent ExpectedTransfer(BlockSpec b, TxSpec t, TransferSpec x, uint txIndex, bool timestampKnown, bool withBlockHash) => new()
    {
        Kind = TokenEventKind.Transfer, Block = b.Number, TxIndex = txIndex, LogIndex = x.LogIndex, TxHash = t.Hash,
        BlockHash = withBlockHash ? b.Hash : default, Timestamp = timestampKnown ? b.Timestamp : 0,
        Token = x.Token, From = x.From, To = x.To, Amount = x.Value,
    };

    [Property(MaxTest = 60)]
    public Property AllTables_ReadBlocksThenTransactionsThenTransfers_EqualGenerated() =>
        Prop.ForAll(ChainAndSeed, input =>
        {
            foreach (bool json in new[] { false, true })
            {
                var (chain, seed) = input;
                var f = new EtlFormat(seed);
                bool txCount = f.Chance(0.5), txTime = f.Chance(0.5), tTime = f.Chance(0.5), tHash = f.Chance(0.5);
                var write = json ? (Func<EtlWriter.Table, EtlFormat, string>)EtlWriter.ToJsonLines : EtlWriter.ToCsv;
                string blocks = write(EtlWriter.Blocks(chain, txCount), f);
                string txs = write(EtlWriter.Transactions(chain, txTime), f);
                string transfers = write(EtlWriter.TokenTransfers(chain, tTime, tHash), f);

                var context = new EtlContext();
                var sink = new EtlRecordingSink();
                Read(blocks, "blocks.csv", EtlTable.Blocks, json, context, sink);
                Read(txs, "transactions.csv", EtlTable.Transactions, json, context, sink);
                Read(transfers, "token_transfers.csv", EtlTable.TokenTransfers, json, context, sink);

                Assert.Equal(ExpectedBlocks(chain, txCount), Show.All(sink.Blocks));
                // Blocks were read first, so transactions know their time even without block_timestamp.
                Assert.Equal(ExpectedTransactions(chain, timestampKnown: true), Show.All(sink.Transactions));
                var expected = chain.Transfers.Select(p => Show.Of(ExpectedTransfer(p.Block, p.Tx, p.Transfer, p.Tx.Index, true, tHash))).ToList();
                Assert.Equal(expected, Show.All(sink.Events));
                Assert.Empty(sink.Skipped);
                Assert.Equal(0, context.TxIndexFallbacks);
            }
        });

    [Property(MaxTest = 60)]
    public Property Transactions_Alone_TimestampOnlyFromColumn(/* and contract creations keep HasTo false */) =>
        Prop.ForAll(ChainAndSeed, input =>
        {
            var (chain, seed) = input;
            var f = new EtlFormat(seed);
            bool json = f.Chance(0.5), txTime = f.Chance(0.5);
            var table = EtlWriter.Transactions(chain, txTime);
            string text = json ? EtlWriter.ToJsonLines(table, f) : EtlWriter.ToCsv(table, f);
            var context = new EtlContext();
            var sink = new EtlRecordingSink();
            Read(text, "transactions.json", EtlTable.Transactions, json, context, sink);
            Assert.Equal(ExpectedTransactions(chain, txTime), Show.All(sink.Transactions));
            Assert.Equal(chain.Txs.Count(), context.KnownTransactions);
        });
}

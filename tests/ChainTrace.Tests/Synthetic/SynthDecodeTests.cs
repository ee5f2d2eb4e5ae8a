using ChainTrace.Ingest;
using ChainTrace.Primitives;
using ChainTrace.Synthetic;
using Xunit;

namespace ChainTrace.Tests.Synthetic;

/// <summary>The project's own decoders read the generated files, in each format, to the same records.</summary>
public sealed class SynthDecodeTests
{
    private sealed class CountingSink : IChainEventSink
    {
        public long Blocks, Transactions, Native, Transfers, Approvals, Issues, Blacklists, Skipped;
        public UInt256 Moved;
        public readonly List<(Seq Seq, Address From, Address To, UInt256 Amount)> TransferList = [];

        public void OnBlock(in BlockHeader block) => Blocks++;

        public void OnTransaction(in TransactionRecord transaction)
        {
            Transactions++;
            if (!transaction.Value.IsZero) Native++;
        }

        public void OnTokenEvent(in TokenEvent e)
        {
            switch (e.Kind)
            {
                case TokenEventKind.Transfer:
                    Transfers++;
                    Moved += e.Amount;
                    TransferList.Add((e.Seq, e.From, e.To, e.Amount));
                    break;
                case TokenEventKind.Approval: Approvals++; break;
                case TokenEventKind.Issue: Issues++; break;
                case TokenEventKind.AddedBlackList: Blacklists++; break;
            }
        }

        public void OnSkipped(SkipReason reason, ulong block) => Skipped++;
    }

    private static CountingSink Read(IReadOnlyList<string> paths, ChainProfile chain)
    {
        var sink = new CountingSink();
        ChainFileReader.ReadPathsAsync(paths, sink, DecodeOptions.Default, chain).GetAwaiter().GetResult();
        return sink;
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Decoders_ReadJsonRpcAndEtl_ToTheSameRecords(bool gzip)
    {
        using var dir = new SynthTempDir();
        var r = SynthGenerator.Generate(new SynthOptions { Seed = 13, Formats = SynthFormats.All, Gzip = gzip }, dir.Path);
        var truth = GroundTruth.Load(r.GroundTruthJson);
        var json = Read(r.JsonRpcFiles, ChainProfile.Ethereum);
        string Etl(string name) => Path.Combine(r.EtlDirectory!, name + (gzip ? ".csv.gz" : ".csv"));
        // logs.csv holds every event; token_transfers.csv repeats the Transfer logs, so a run reads one or the other.
        var etl = Read([Etl("blocks"), Etl("transactions"), Etl("logs")], ChainProfile.Ethereum);
        var etlTransfers = Read([Etl("blocks"), Etl("transactions"), Etl("token_transfers")], ChainProfile.Ethereum);
        Assert.Equal(json.TransferList, etlTransfers.TransferList);
        foreach (var sink in new[] { json, etl })
        {
            Assert.Equal(0, sink.Skipped);
            Assert.Equal(r.Transfers, sink.Transfers);
            Assert.Equal(r.Approvals, sink.Approvals);
            Assert.Equal(truth.Totals.Issues, sink.Issues);
            Assert.Equal(truth.Totals.Blacklistings, sink.Blacklists);
            Assert.Equal(r.Blocks, sink.Blocks);
            Assert.Equal(r.Transactions, sink.Transactions);
            Assert.Equal(r.NativeTransfers, sink.Native);
        }
        Assert.Equal(json.TransferList, etl.TransferList);
    }

    [Fact]
    public void Decoders_ReadTronJsonRpc()
    {
        using var dir = new SynthTempDir();
        var r = SynthGenerator.Generate(new SynthOptions { Seed = 13, Profile = ChainProfile.Tron }, dir.Path);
        var sink = Read(r.JsonRpcFiles, ChainProfile.Tron);
        Assert.Equal(0, sink.Skipped);
        Assert.Equal(r.Transfers, sink.Transfers);
        Assert.Equal(r.Blocks, sink.Blocks);
    }
}

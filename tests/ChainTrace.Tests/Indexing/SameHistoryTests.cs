using ChainTrace.Indexing;
using ChainTrace.Primitives;
using ChainTrace.Synthetic;
using ChainTrace.Tests.Storage;
using Xunit;

namespace ChainTrace.Tests.Indexing;

/// <summary>
/// The same history, written by the generator as JSON-RPC dumps and as an ethereum-etl export, gives the same
/// store: every column family's digest is equal, whichever path (bulk or incremental) builds it.
/// </summary>
public sealed class SameHistoryTests
{
    [Theory]
    [InlineData(IndexMode.Bulk, IndexMode.Incremental)]
    [InlineData(IndexMode.Incremental, IndexMode.Bulk)]
    public async Task JsonRpcDumps_And_EthereumEtlExport_GiveTheSameStore(IndexMode jsonMode, IndexMode etlMode)
    {
        using var dir = new StoreDir();
        var synth = SynthGenerator.Generate(new SynthOptions { Seed = 5, Transfers = 20_000, Formats = SynthFormats.All }, dir.Sub("synth"));
        Assert.NotNull(synth.EtlDirectory);

        using var fromJson = dir.Open("json");
        var a = await new Indexer(fromJson).IndexAsync(synth.JsonRpcFiles, new IndexOptions { Mode = jsonMode });
        using var fromEtl = dir.Open("etl");
        // The whole etl/ folder: blocks, transactions, logs and token_transfers (the latter repeat the logs' transfers).
        var b = await new Indexer(fromEtl).IndexAsync([synth.EtlDirectory!], new IndexOptions { Mode = etlMode });

        Assert.Equal(synth.Transfers, a.TransfersStored - CountIssuance(fromJson));
        Assert.Equal(a.TransfersStored, b.TransfersStored);
        Assert.Equal(a.IndexedHead, b.IndexedHead);
        var da = fromJson.ComputeDigest();
        var db = fromEtl.ComputeDigest();
        foreach (var (cf, digest) in da)
            Assert.True(db.TryGetValue(cf, out var other) && other == digest, $"column family '{cf}' differs between the JSON-RPC and the ethereum-etl store");
        Assert.Equal(da.Count, db.Count);
    }

    /// <summary>Issue events become stored moves from the zero address (USDT's issuer); they are not Transfer logs.</summary>
    private static long CountIssuance(ChainTrace.Storage.ChainTraceStore store)
    {
        if (!store.TryGetAddressId(Address.Zero, out var zero)) return 0;
        store.TryGetTokenId(store.Profile.DefaultToken.Contract, out var token);
        return store.TryGetLastEdge(ChainTrace.Storage.EdgeDirection.Out, zero, token, out var e) ? e.Count : 0;
    }
}

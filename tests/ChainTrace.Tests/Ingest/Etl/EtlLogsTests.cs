using ChainTrace.Ingest;
using ChainTrace.Ingest.Etl;
using ChainTrace.Primitives;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Xunit;

namespace ChainTrace.Tests.Ingest.Etl;

/// <summary>logs files: every log shape, written from its meaning, decodes back to that meaning (or the right skip).</summary>
public sealed class EtlLogsTests
{
    /// <summary>A generated log: its raw topics and data, and what it must decode to.</summary>
    internal sealed record LogCase(Address Contract, Hash32[] Topics, byte[] Data, TokenEvent? Event, SkipReason? Skip);

    private static byte[] Word(Address a)
    {
        var w = new byte[32];
        a.WriteTo(w.AsSpan(12));
        return w;
    }

    private static byte[] Word(UInt256 v)
    {
        var w = new byte[32];
        v.WriteBigEndian(w);
        return w;
    }

    private static Hash32 Topic(Address a) => new(Word(a));

    /// <summary>An address word with junk in its upper 12 bytes: not an ABI-encoded address.</summary>
    private static byte[] Dirty(Address a)
    {
        var w = Word(a);
        w[3] = 0x5a;
        return w;
    }

    private static TokenEvent Ev(TokenEventKind kind, Address contract, Address sender = default, Address receiver = default, UInt256 amount = default) =>
        new() { Kind = kind, Token = contract, From = sender, To = receiver, Amount = amount };

    private static Gen<LogCase> Case =>
        from contract in EtlGen.Address
        from a in EtlGen.Address
        from b in EtlGen.Address
        from v in EtlGen.Amount
        from junk in EtlGen.Hash
        from junkData in Gen.Choose(0, 7).SelectMany(n => EtlGen.Bytes(n * 16))
        from pick in Gen.Choose(0, 19)
        select pick switch
        {
            0 or 1 => new LogCase(contract, [EventTopics.Transfer, Topic(a), Topic(b)], Word(v), Ev(TokenEventKind.Transfer, contract, a, b, v), null),
            2 => new LogCase(contract, [EventTopics.Transfer], [.. Word(a), .. Word(b), .. Word(v)], Ev(TokenEventKind.Transfer, contract, a, b, v), null),
            3 => new LogCase(contract, [EventTopics.Transfer, Topic(a), Topic(b), junk], [], null, SkipReason.Erc721),
            4 => new LogCase(contract, [EventTopics.Transfer, Topic(a)], [.. Word(b), .. Word(v)], null, SkipReason.MalformedTransferShape),
            5 => new LogCase(contract, [EventTopics.Transfer, Topic(a), Topic(b)], junkData.Length == 32 ? [] : junkData, null, SkipReason.MalformedTransferShape),
            6 => new LogCase(contract, [EventTopics.Approval, Topic(a), Topic(b)], Word(v), Ev(TokenEventKind.Approval, contract, a, b, v), null),
            7 => new LogCase(contract, [EventTopics.Approval, Topic(a), Topic(b), junk], [], null, SkipReason.OtherEvent), // ERC-721 Approval: not counted as an ERC-721 transfer
            8 => new LogCase(contract, [EventTopics.Issue], Word(v), Ev(TokenEventKind.Issue, contract, amount: v), null),
            9 => new LogCase(contract, [EventTopics.Redeem], Word(v), Ev(TokenEventKind.Redeem, contract, amount: v), null),
            10 => new LogCase(contract, [EventTopics.AddedBlackList], Word(a), Ev(TokenEventKind.AddedBlackList, contract, sender: a), null),
            11 => new LogCase(contract, [EventTopics.RemovedBlackList], Word(a), Ev(TokenEventKind.RemovedBlackList, contract, sender: a), null),
            12 => new LogCase(contract, [EventTopics.DestroyedBlackFunds], [.. Word(a), .. Word(v)], Ev(TokenEventKind.DestroyedBlackFunds, contract, sender: a, amount: v), null),
            13 => new LogCase(contract, [junk, Topic(a)], junkData, null, SkipReason.OtherEvent),
            14 => new LogCase(contract, [], junkData, null, SkipReason.OtherEvent), // LOG0
            16 => new LogCase(contract, [EventTopics.Transfer, new Hash32(Dirty(a)), Topic(b)], Word(v), null, SkipReason.MalformedTransferShape),
            17 => new LogCase(contract, [EventTopics.Transfer], [.. Word(a), .. Dirty(b), .. Word(v)], null, SkipReason.MalformedTransferShape),
            18 => new LogCase(contract, [EventTopics.Approval, Topic(a), new Hash32(Dirty(b))], Word(v), null, SkipReason.OtherEvent),
            19 => new LogCase(contract, [EventTopics.AddedBlackList], Dirty(a), null, SkipReason.OtherEvent),
            _ => new LogCase(contract, [EventTopics.Issue, Topic(a)], Word(v), null, SkipReason.OtherEvent), // Issue with an indexed arg: not USDT's
        };

    internal sealed record LogRow(ulong Block, Hash32 BlockHash, uint TxIndex, Hash32 TxHash, uint LogIndex, long Timestamp, LogCase Case);

    private static Gen<LogRow[]> Rows =>
        from start in Gen.Choose(0, 1 << 30)
        from n in Gen.Choose(1, 40)
        from cases in Gen.ArrayOf(Case, n)
        from hashes in Gen.ArrayOf(EtlGen.Hash, n)
        from steps in Gen.ArrayOf(Gen.Choose(0, 3), n)
        from ts in Gen.Choose(1_500_000_000, int.MaxValue)
        select Build((ulong)start, cases, hashes, steps, ts);

    private static LogRow[] Build(ulong start, LogCase[] cases, Hash32[] hashes, int[] steps, long ts)
    {
        var rows = new LogRow[cases.Length];
        ulong block = start;
        uint tx = 0, log = 0;
        for (int i = 0; i < cases.Length; i++)
        {
            if (steps[i] == 3) { block++; tx = 0; log = 0; }
            else if (steps[i] == 2) tx++;
            rows[i] = new LogRow(block, hashes[(int)(block - start) % hashes.Length], tx, hashes[(int)(tx + block) % hashes.Length], log++, ts + (long)(block - start) * 12, cases[i]);
        }
        return rows;
    }

    internal static EtlWriter.Table LogsTable(IEnumerable<LogRow> rows, bool json, bool withTime)
    {
        var cols = new List<string> { "log_index", "transaction_hash", "transaction_index", "block_hash", "block_number", "address", "data", "topics" };
        if (withTime) cols.Add("block_timestamp");
        var list = rows.Select(r =>
        {
            var topics = r.Case.Topics.Select(t => t.ToString()).ToArray();
            var cells = new List<Cell>
            {
                Cell.Num((ulong)r.LogIndex), Cell.Hex(r.TxHash.ToString()), Cell.Num((ulong)r.TxIndex), Cell.Hex(r.BlockHash.ToString()),
                Cell.Num(r.Block), Cell.Hex(r.Case.Contract.ToHex()), Cell.Hex("0x" + Convert.ToHexStringLower(r.Case.Data)),
                json ? new Cell("[" + string.Join(", ", topics.Select(t => $"\"{t}\"")) + "]") : (topics.Length == 0 ? Cell.None : new Cell(string.Join(",", topics))),
            };
            if (withTime) cells.Add(Cell.Num(r.Timestamp));
            return cells.ToArray();
        }).ToList();
        return new EtlWriter.Table([.. cols], list, "log");
    }

    [Property(MaxTest = 80)]
    public Property Logs_EveryShape_DecodesToItsMeaning() =>
        Prop.ForAll(Gen.Zip(Rows, Gen.Choose(0, int.MaxValue)).ToArbitrary(), input =>
        {
            var (rows, seed) = input;
            var f = new EtlFormat(seed);
            bool json = f.Chance(0.5), withTime = f.Chance(0.5);
            var table = LogsTable(rows, json, withTime);
            string text = json ? EtlWriter.ToJsonLines(table, f) : EtlWriter.ToCsv(table, f);
            var sink = new EtlRecordingSink();
            EtlReaderRoundTripTests.Read(text, "logs.csv", EtlTable.Logs, json, new EtlContext(), sink);

            var expectedEvents = rows.Where(r => r.Case.Event is not null).Select(r =>
            {
                var e = r.Case.Event!.Value;
                e.Block = r.Block; e.TxIndex = r.TxIndex; e.LogIndex = r.LogIndex; e.TxHash = r.TxHash; e.BlockHash = r.BlockHash;
                e.Timestamp = withTime ? r.Timestamp : 0;
                return Show.Of(e);
            }).ToList();
            var expectedSkips = rows.Where(r => r.Case.Skip is not null).Select(r => (r.Case.Skip!.Value, r.Block)).ToList();
            Assert.Equal(expectedEvents, Show.All(sink.Events));
            Assert.Equal(expectedSkips, sink.Skipped);
        });

    [Fact]
    public void Logs_FiveTopics_IsBadRecord()
    {
        string h = "0x" + new string('1', 64);
        string text = "log_index,transaction_hash,transaction_index,block_number,address,data,topics\n" +
            $"0,{h},0,5,0x{new string('2', 40)},0x,\"{h},{h},{h},{h},{h}\"\n";
        var ex = Assert.Throws<ChainDataException>(() =>
            EtlReaderRoundTripTests.Read(text, "logs.csv", EtlTable.Logs, false, new EtlContext(), new EtlRecordingSink()));
        Assert.Equal("topics", ex.Field);
        Assert.Equal(2, ex.Line);
    }
}

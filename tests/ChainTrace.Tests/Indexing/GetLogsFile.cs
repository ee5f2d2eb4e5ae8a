using System.Globalization;
using System.Text;
using ChainTrace.Ingest;
using ChainTrace.Primitives;
using ChainTrace.Tests.Storage;

namespace ChainTrace.Tests.Indexing;

/// <summary>Writes token events as eth_getLogs JSON-RPC responses, one response per block, one per line.</summary>
internal static class GetLogsFile
{
    public static string Write(string path, IEnumerable<TokenEvent> events)
    {
        var sb = new StringBuilder();
        int id = 1;
        foreach (var block in events.GroupBy(e => e.Block))
        {
            sb.Append("{\"jsonrpc\":\"2.0\",\"id\":").Append(id++).Append(",\"result\":[");
            bool first = true;
            foreach (var e in block)
            {
                if (!first) sb.Append(',');
                first = false;
                Log(sb, e);
            }
            sb.Append("]}\n");
        }
        File.WriteAllText(path, sb.ToString());
        return path;
    }

    private static void Log(StringBuilder sb, in TokenEvent e)
    {
        var topics = new List<string>();
        string data;
        switch (e.Kind)
        {
            case TokenEventKind.Transfer:
            case TokenEventKind.Approval:
                topics.Add((e.Kind == TokenEventKind.Transfer ? EventTopics.Transfer : EventTopics.Approval).ToString());
                topics.Add(Word(e.From));
                topics.Add(Word(e.To));
                data = "0x" + Amount(e.Amount);
                break;
            case TokenEventKind.Issue:
            case TokenEventKind.Redeem:
                topics.Add((e.Kind == TokenEventKind.Issue ? EventTopics.Issue : EventTopics.Redeem).ToString());
                data = "0x" + Amount(e.Amount);
                break;
            case TokenEventKind.AddedBlackList:
            case TokenEventKind.RemovedBlackList:
                topics.Add((e.Kind == TokenEventKind.AddedBlackList ? EventTopics.AddedBlackList : EventTopics.RemovedBlackList).ToString());
                data = Word(e.From);
                break;
            default:
                topics.Add(EventTopics.DestroyedBlackFunds.ToString());
                data = Word(e.From) + Amount(e.Amount);
                break;
        }
        sb.Append("{\"address\":\"").Append(e.Token.ToHex()).Append("\",\"topics\":[")
            .AppendJoin(',', topics.Select(t => "\"" + t + "\""))
            .Append("],\"data\":\"").Append(data)
            .Append("\",\"blockNumber\":\"").Append(Hex(e.Block))
            .Append("\",\"transactionHash\":\"").Append(e.TxHash.ToString())
            .Append("\",\"transactionIndex\":\"").Append(Hex(e.TxIndex))
            .Append("\",\"blockHash\":\"").Append(e.BlockHash.ToString())
            .Append("\",\"blockTimestamp\":\"").Append(Hex((ulong)e.Timestamp))
            .Append("\",\"logIndex\":\"").Append(Hex(e.LogIndex))
            .Append("\",\"removed\":").Append(e.Removed ? "true" : "false").Append('}');
    }

    private static string Hex(ulong v) => "0x" + v.ToString("x", CultureInfo.InvariantCulture);

    private static string Word(Address a) => "0x000000000000000000000000" + a.ToHex()[2..];

    private static string Amount(UInt256 v)
    {
        Span<byte> b = stackalloc byte[32];
        v.WriteBigEndian(b);
        return Convert.ToHexStringLower(b);
    }
}

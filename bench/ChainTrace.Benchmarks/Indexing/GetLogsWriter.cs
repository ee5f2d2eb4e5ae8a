using System.Text;
using ChainTrace.Ingest;
using ChainTrace.Primitives;

namespace ChainTrace.Benchmarks.Indexing;

/// <summary>Writes synthetic transfers as eth_getLogs JSON-RPC responses, one response (one block) per line.</summary>
internal static class GetLogsWriter
{
    private static readonly byte[] HexDigits = "0123456789abcdef"u8.ToArray();

    public static long Write(string path, SyntheticTransfers source, long transfers)
    {
        using var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20);
        var buffer = new byte[1 << 20];
        int n = 0;
        var e = default(TokenEvent);
        string transferTopic = EventTopics.Transfer.ToString();
        byte[] topic = Encoding.ASCII.GetBytes(transferTopic);
        long id = 1;
        Span<byte> word = stackalloc byte[32];
        for (long i = 0; i < transfers; i++)
        {
            if (buffer.Length - n < 4096)
            {
                file.Write(buffer, 0, n);
                n = 0;
            }
            source.Fill(i, ref e);
            bool first = i % source.PerBlock == 0;
            if (first) n += Ascii(buffer.AsSpan(n), "{\"jsonrpc\":\"2.0\",\"id\":" + id++ + ",\"result\":[");
            else buffer[n++] = (byte)',';
            n += Ascii(buffer.AsSpan(n), "{\"address\":\"0x");
            n += Hex(buffer.AsSpan(n), Bytes(e.Token));
            n += Ascii(buffer.AsSpan(n), "\",\"topics\":[\"");
            topic.CopyTo(buffer, n);
            n += topic.Length;
            n += Ascii(buffer.AsSpan(n), "\",\"0x000000000000000000000000");
            n += Hex(buffer.AsSpan(n), Bytes(e.From));
            n += Ascii(buffer.AsSpan(n), "\",\"0x000000000000000000000000");
            n += Hex(buffer.AsSpan(n), Bytes(e.To));
            n += Ascii(buffer.AsSpan(n), "\"],\"data\":\"0x");
            e.Amount.WriteBigEndian(word);
            n += Hex(buffer.AsSpan(n), word);
            n += Ascii(buffer.AsSpan(n), "\",\"blockNumber\":\"");
            n += Quantity(buffer.AsSpan(n), e.Block);
            n += Ascii(buffer.AsSpan(n), "\",\"transactionHash\":\"0x");
            e.TxHash.WriteTo(word);
            n += Hex(buffer.AsSpan(n), word);
            n += Ascii(buffer.AsSpan(n), "\",\"transactionIndex\":\"");
            n += Quantity(buffer.AsSpan(n), e.TxIndex);
            n += Ascii(buffer.AsSpan(n), "\",\"blockHash\":\"0x");
            e.BlockHash.WriteTo(word);
            n += Hex(buffer.AsSpan(n), word);
            n += Ascii(buffer.AsSpan(n), "\",\"blockTimestamp\":\"");
            n += Quantity(buffer.AsSpan(n), (ulong)e.Timestamp);
            n += Ascii(buffer.AsSpan(n), "\",\"logIndex\":\"");
            n += Quantity(buffer.AsSpan(n), e.LogIndex);
            n += Ascii(buffer.AsSpan(n), "\",\"removed\":false}");
            if ((i + 1) % source.PerBlock == 0 || i + 1 == transfers) n += Ascii(buffer.AsSpan(n), "]}\n");
        }
        file.Write(buffer, 0, n);
        return file.Length;
    }

    private static byte[] Bytes(Address a) => a.ToArray();

    private static int Ascii(Span<byte> dst, string s) => Encoding.ASCII.GetBytes(s, dst);

    private static int Hex(Span<byte> dst, ReadOnlySpan<byte> bytes)
    {
        for (int i = 0; i < bytes.Length; i++)
        {
            dst[2 * i] = HexDigits[bytes[i] >> 4];
            dst[2 * i + 1] = HexDigits[bytes[i] & 0xF];
        }
        return 2 * bytes.Length;
    }

    private static int Quantity(Span<byte> dst, ulong v)
    {
        dst[0] = (byte)'0';
        dst[1] = (byte)'x';
        if (v == 0) { dst[2] = (byte)'0'; return 3; }
        Span<byte> tmp = stackalloc byte[16];
        int k = 0;
        while (v != 0) { tmp[k++] = HexDigits[(int)(v & 0xF)]; v >>= 4; }
        for (int i = 0; i < k; i++) dst[2 + i] = tmp[k - 1 - i];
        return 2 + k;
    }
}

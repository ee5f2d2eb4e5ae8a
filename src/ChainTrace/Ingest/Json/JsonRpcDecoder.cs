using System.IO.Pipelines;
using ChainTrace.Primitives;

namespace ChainTrace.Ingest.Json;

/// <summary>
/// Decodes Ethereum JSON-RPC data into <see cref="IChainEventSink"/> calls, streaming and without allocating per
/// record. Accepted, in any mix and as one value per line (JSON lines), one document, or concatenated values:
/// <c>eth_getLogs</c> responses and bare arrays of logs; <c>eth_getBlockByNumber</c>/<c>ByHash</c> responses and
/// bare blocks (header, plus each full transaction); <c>eth_getBlockReceipts</c> and
/// <c>eth_getTransactionReceipt</c> responses (their logs); JSON-RPC batch responses; erigon rpc-tests records
/// (<c>[{"request":…,"response":…}]</c>, dispatched on the request's method); TRON
/// <c>/wallet/gettransactioninfobyid</c> results. Gzip input is detected by its magic bytes and decompressed.
/// Bad input (malformed JSON, bad hex, wrong lengths, JSON-RPC errors, null results, truncation) raises
/// <see cref="ChainDataException"/> naming the source, line, byte offset and field, or is counted and skipped
/// under <see cref="DecodeOptions.SkipBad"/>.
/// </summary>
public static class JsonRpcDecoder
{
    /// <summary>Pipe buffer size: large enough that most records sit in one segment.</summary>
    internal const int BufferSize = 128 * 1024;

    /// <summary>Decodes a stream (gzip or plain) of Ethereum JSON-RPC data.</summary>
    /// <param name="input">The input; left open.</param>
    /// <param name="sourceName">File name or URL used in error messages.</param>
    /// <param name="sink">Receives the decoded records in source order.</param>
    /// <param name="options">Bad-input policy, progress, record size limit.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    public static Task DecodeAsync(Stream input, string sourceName, IChainEventSink sink, DecodeOptions options, CancellationToken cancellationToken = default) =>
        DecodeAsync(input, sourceName, sink, options, ChainProfile.Ethereum, cancellationToken);

    /// <summary>Decodes a stream (gzip or plain) with the rules of <paramref name="chain"/> (TRON: address words may carry 0x41, times in ms).</summary>
    /// <param name="input">The input; left open.</param>
    /// <param name="sourceName">File name or URL used in error messages.</param>
    /// <param name="sink">Receives the decoded records in source order.</param>
    /// <param name="options">Bad-input policy, progress, record size limit.</param>
    /// <param name="chain">The chain the data comes from.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    public static async Task DecodeAsync(Stream input, string sourceName, IChainEventSink sink, DecodeOptions options, ChainProfile chain, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(sourceName);
        ArgumentNullException.ThrowIfNull(sink);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(chain);
        var (stream, _) = await GzipInput.OpenAsync(input, sourceName, leaveOpen: true, cancellationToken).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            await DecodeDecompressedAsync(stream, sourceName, sink, options, chain, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Decodes from a pipe (for example an HTTP response body), plain JSON only.</summary>
    /// <param name="input">The pipe; not completed by this method.</param>
    /// <param name="sourceName">File name or URL used in error messages.</param>
    /// <param name="sink">Receives the decoded records in source order.</param>
    /// <param name="options">Bad-input policy, progress, record size limit.</param>
    /// <param name="chain">The chain the data comes from.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    public static Task DecodeAsync(PipeReader input, string sourceName, IChainEventSink sink, DecodeOptions options, ChainProfile chain, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(sourceName);
        ArgumentNullException.ThrowIfNull(sink);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(chain);
        bool tron = chain.AddressFormat == AddressFormat.TronBase58;
        var parser = new JsonRpcParser(sourceName, sink, options, tron, chain.TimestampsInMilliseconds);
        return parser.RunAsync(input, cancellationToken);
    }

    /// <summary>Decodes an already decompressed stream.</summary>
    internal static async Task DecodeDecompressedAsync(Stream stream, string sourceName, IChainEventSink sink, DecodeOptions options, ChainProfile chain, CancellationToken cancellationToken)
    {
        var pipe = PipeReader.Create(stream, new StreamPipeReaderOptions(bufferSize: BufferSize, minimumReadSize: BufferSize / 4, leaveOpen: true));
        try
        {
            await DecodeAsync(pipe, sourceName, sink, options, chain, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            await pipe.CompleteAsync().ConfigureAwait(false);
        }
    }
}

using ChainTrace.Ingest.Etl;
using ChainTrace.Ingest.Json;
using ChainTrace.Primitives;

namespace ChainTrace.Ingest;

/// <summary>
/// Reads chain data files of any supported format: expands directories, detects each file's format from its
/// first bytes, orders the files (blocks, then transactions, then logs and transfers) and hands each to its
/// decoder. Gzip files are decompressed transparently.
/// </summary>
public static class ChainFileReader
{
    private static readonly string[] Extensions = [".json", ".jsonl", ".ndjson", ".csv"];

    /// <summary>
    /// Expands directories recursively (files with a .json, .jsonl, .ndjson or .csv name, optionally .gz;
    /// hidden entries skipped; sorted by path), detects each file's format and orders the list: block files
    /// first, then transactions, then log and transfer files, keeping the given order within each kind.
    /// </summary>
    /// <param name="paths">Files and directories.</param>
    /// <exception cref="ChainDataException">A path does not exist, or a file's format is unknown.</exception>
    public static IReadOnlyList<InputFile> Plan(IReadOnlyList<string> paths) => Plan(paths, ignored: null);

    /// <summary>
    /// Like <see cref="Plan(IReadOnlyList{string})"/>, but a file found by expanding a directory whose format is
    /// not chain data (a labels CSV, a ground-truth JSON, notes) is left out and its path added to
    /// <paramref name="ignored"/> instead of stopping the run. A file named explicitly must still be chain data.
    /// With <paramref name="ignored"/> null every unknown file is an error.
    /// </summary>
    public static IReadOnlyList<InputFile> Plan(IReadOnlyList<string> paths, ICollection<string>? ignored)
    {
        ArgumentNullException.ThrowIfNull(paths);
        var files = new List<string>();
        var fromDirectories = new HashSet<string>(StringComparer.Ordinal);
        foreach (var path in paths)
        {
            if (Directory.Exists(path))
            {
                var found = Directory.EnumerateFiles(path, "*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = FileAttributes.Hidden })
                    .Where(f => IsDataFileName(f) && !IsHiddenBelow(path, f))
                    .ToList();
                found.Sort(StringComparer.Ordinal);
                files.AddRange(found);
                fromDirectories.UnionWith(found);
            }
            else if (File.Exists(path))
            {
                files.Add(path);
            }
            else
            {
                throw Missing(path);
            }
        }
        var planned = new List<InputFile>(files.Count);
        foreach (var file in files)
        {
            try
            {
                planned.Add(DetectFile(file));
            }
            catch (ChainDataException e) when (ignored is not null && fromDirectories.Contains(file) && e.Problem.StartsWith("unknown format", StringComparison.Ordinal))
            {
                ignored.Add(file);
            }
        }
        return planned.OrderBy(f => f.Rank).ToList(); // OrderBy is stable
    }

    /// <summary>Detects one file's format from its first bytes (after gzip).</summary>
    /// <param name="path">The file.</param>
    /// <exception cref="ChainDataException">The file does not exist or its format is unknown.</exception>
    public static InputFile DetectFile(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        using var raw = OpenFile(path);
        long length = raw.Length;
        var (stream, _) = GzipInput.Open(raw, path, leaveOpen: true);
        using (stream)
        {
            var head = new byte[InputFormatDetector.SniffBytes];
            int n = 0;
            bool whole = false;
            try
            {
                while (n < head.Length)
                {
                    int k = stream.Read(head, n, head.Length - n);
                    if (k == 0) { whole = true; break; }
                    n += k;
                }
            }
            catch (ChainDataException) when (n > 0)
            {
                // A truncated gzip still has a recognisable head; reading the file reports the truncation.
            }
            var detected = InputFormatDetector.Detect(head.AsSpan(0, n), whole, path);
            return detected with { Path = path, Length = length };
        }
    }

    /// <summary>Reads one file into the sink (Ethereum rules).</summary>
    /// <param name="file">A planned file.</param>
    /// <param name="sink">Receives the records.</param>
    /// <param name="options">Bad-input policy and progress (reported in bytes of the file on disk).</param>
    /// <param name="etl">ethereum-etl state shared by the files of one run.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    public static Task ReadAsync(InputFile file, IChainEventSink sink, DecodeOptions options, EtlContext etl, CancellationToken cancellationToken = default) =>
        ReadAsync(file, sink, options, etl, ChainProfile.Ethereum, cancellationToken);

    /// <summary>Reads one file into the sink with the rules of <paramref name="chain"/>.</summary>
    /// <param name="file">A planned file.</param>
    /// <param name="sink">Receives the records.</param>
    /// <param name="options">Bad-input policy and progress (reported in bytes of the file on disk).</param>
    /// <param name="etl">ethereum-etl state shared by the files of one run.</param>
    /// <param name="chain">The chain the data comes from (TRON transaction info files always use TRON rules).</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    public static async Task ReadAsync(InputFile file, IChainEventSink sink, DecodeOptions options, EtlContext etl, ChainProfile chain, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(file);
        ArgumentNullException.ThrowIfNull(sink);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(etl);
        ArgumentNullException.ThrowIfNull(chain);
        var raw = OpenFile(file.Path);
        await using (raw.ConfigureAwait(false))
        {
            var counted = new ProgressStream(raw, options.OnBytesRead);
            var inner = WithoutProgress(options);
            var (stream, _) = await GzipInput.OpenAsync(counted, file.Path, leaveOpen: true, cancellationToken).ConfigureAwait(false);
            await using (stream.ConfigureAwait(false))
            {
                switch (file.Format)
                {
                    case InputFormat.EtlCsv:
                    case InputFormat.EtlJsonLines:
                        if (file.EtlTable is not { } table)
                            throw new ChainDataException(file.Path, null, null, null, "an ethereum-etl file needs its table (InputFile.EtlTable)");
                        await EtlReader.ReadAsync(stream, file.Path, table, file.Format == InputFormat.EtlJsonLines, etl, sink, inner, cancellationToken).ConfigureAwait(false);
                        break;
                    case InputFormat.TronTxInfo:
                        await JsonRpcDecoder.DecodeDecompressedAsync(stream, file.Path, sink, inner, ChainProfile.Tron, cancellationToken).ConfigureAwait(false);
                        break;
                    default:
                        await JsonRpcDecoder.DecodeDecompressedAsync(stream, file.Path, sink, inner, chain, cancellationToken).ConfigureAwait(false);
                        break;
                }
            }
            counted.Flush();
        }
    }

    /// <summary>Plans the paths and reads every file in order, with one <see cref="EtlContext"/> (Ethereum rules).</summary>
    /// <param name="paths">Files and directories.</param>
    /// <param name="sink">Receives the records.</param>
    /// <param name="options">Bad-input policy and progress.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    public static Task ReadPathsAsync(IReadOnlyList<string> paths, IChainEventSink sink, DecodeOptions options, CancellationToken cancellationToken = default) =>
        ReadPathsAsync(paths, sink, options, ChainProfile.Ethereum, cancellationToken);

    /// <summary>Plans the paths and reads every file in order, with one <see cref="EtlContext"/>.</summary>
    /// <param name="paths">Files and directories.</param>
    /// <param name="sink">Receives the records.</param>
    /// <param name="options">Bad-input policy and progress.</param>
    /// <param name="chain">The chain the data comes from.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    public static async Task ReadPathsAsync(IReadOnlyList<string> paths, IChainEventSink sink, DecodeOptions options, ChainProfile chain, CancellationToken cancellationToken = default)
    {
        var plan = Plan(paths);
        var etl = new EtlContext();
        foreach (var file in plan)
            await ReadAsync(file, sink, options, etl, chain, cancellationToken).ConfigureAwait(false);
    }

    private static bool IsDataFileName(string path)
    {
        var name = Path.GetFileName(path.AsSpan());
        if (name.EndsWith(".gz", StringComparison.OrdinalIgnoreCase)) name = name[..^3];
        foreach (var ext in Extensions)
            if (name.EndsWith(ext, StringComparison.OrdinalIgnoreCase)) return true;
        return false;
    }

    private static bool IsHiddenBelow(string root, string file)
    {
        foreach (var part in Path.GetRelativePath(root, file).Split(Path.DirectorySeparatorChar))
            if (part.StartsWith('.')) return true;
        return false;
    }

    private static FileStream OpenFile(string path)
    {
        try
        {
            return new FileStream(path, new FileStreamOptions
            {
                Mode = FileMode.Open,
                Access = FileAccess.Read,
                Share = FileShare.Read,
                BufferSize = 0,
                Options = FileOptions.Asynchronous | FileOptions.SequentialScan,
            });
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            throw Missing(path);
        }
        catch (Exception ex) when (ex is UnauthorizedAccessException or IOException)
        {
            throw new ChainDataException(path, null, null, null, "cannot open the file: " + ex.Message, ex);
        }
    }

    private static ChainDataException Missing(string path) =>
        new(path, null, null, null, "no such file or directory");

    /// <summary>The same options without the progress callback (progress is counted on the file itself).</summary>
    private static DecodeOptions WithoutProgress(DecodeOptions options) =>
        options.OnBytesRead is null ? options : new DecodeOptions
        {
            SkipBad = options.SkipBad,
            OnBadRecord = options.OnBadRecord,
            MaxRecordBytes = options.MaxRecordBytes,
        };

    /// <summary>Counts bytes read from the file and reports them about every megabyte.</summary>
    private sealed class ProgressStream(Stream inner, Action<long>? report) : Stream
    {
        private long _pending;

        public override bool CanRead => true;
        public override bool CanSeek => inner.CanSeek;
        public override bool CanWrite => false;
        public override long Length => inner.Length;
        public override long Position { get => inner.Position; set => inner.Position = value; }

        public override int Read(byte[] buffer, int offset, int count) => Count(inner.Read(buffer, offset, count));
        public override int Read(Span<byte> buffer) => Count(inner.Read(buffer));

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            Count(await inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false));

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        private int Count(int n)
        {
            if (report is null) return n;
            _pending += n;
            if (_pending >= 1 << 20 || (n == 0 && _pending > 0)) Flush();
            return n;
        }

        public override void Flush()
        {
            if (_pending > 0) report?.Invoke(_pending);
            _pending = 0;
        }

        public override long Seek(long offset, SeekOrigin origin)
        {
            long before = inner.Position, after = inner.Seek(offset, origin);
            _pending += after - before; // re-read bytes are not progress
            return after;
        }
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}

using System.ComponentModel;
using ChainTrace.Cli.Infrastructure;
using ChainTrace.Reporting;
using Spectre.Console;
using Spectre.Console.Cli;

namespace ChainTrace.Cli.Commands;

/// <summary><c>chaintrace export transfers</c>: token transfers as CSV, JSONL or Parquet.</summary>
internal sealed class ExportTransfersCommand(IAnsiConsole console) : AsyncCommand<ExportTransfersCommand.Settings>
{
    /// <summary>Options of <c>export transfers</c>.</summary>
    internal sealed class Settings : ChainSettings
    {
        [CommandOption("--format <FORMAT>")]
        [Description("csv, jsonl or parquet. Default: from --out's extension, else csv.")]
        public string? Format { get; set; }

        [CommandOption("--out <FILE>")]
        [Description("Output file. Default: standard output (csv and jsonl only).")]
        public string? Out { get; set; }

        [CommandOption("--from-block <N>")]
        [Description("First block (inclusive).")]
        public ulong? FromBlock { get; set; }

        [CommandOption("--to-block <N>")]
        [Description("Last block (inclusive).")]
        public ulong? ToBlock { get; set; }

        public override ValidationResult Validate()
        {
            if (Format is not null && !TransferExport.TryParseFormat(Format, out _))
                return ValidationResult.Error($"unknown format '{Format}' (expected csv, jsonl or parquet)");
            if (FromBlock > ToBlock) return ValidationResult.Error("--from-block is after --to-block");
            return base.Validate();
        }
    }

    /// <inheritdoc/>
    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var format = ChooseFormat(settings);
        if (format == TransferExportFormat.Parquet && settings.Out is null)
            throw new UsageException("parquet needs --out FILE (it cannot stream to standard output)");
        using var store = StoreOpener.OpenForRead(settings.Db, settings.Profile);
        var options = new TransferExportOptions
        {
            FromBlock = settings.FromBlock,
            ToBlock = settings.ToBlock,
            TokenContract = id => store.TryGetToken(id, out var t) ? t.Contract : null,
        };
        if (settings.Out is null)
        {
            var stdout = Console.OpenStandardOutput();
            await using (stdout.ConfigureAwait(false))
                await TransferExport.WriteAsync(store, stdout, format, options, cancellationToken).ConfigureAwait(false);
            return 0;
        }

        var tmp = settings.Out + ".partial";
        long rows;
        var file = new FileStream(tmp, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16, useAsync: true);
        await using (file.ConfigureAwait(false))
            rows = await TransferExport.WriteAsync(store, file, format, options, cancellationToken).ConfigureAwait(false);
        File.Move(tmp, settings.Out, overwrite: true);
        console.MarkupLineInterpolated($"wrote [green]{Infrastructure.Format.Count(rows)}[/] transfers to {settings.Out} ({format.ToString().ToLowerInvariant()})");
        return 0;
    }

    private static TransferExportFormat ChooseFormat(Settings s)
    {
        if (s.Format is not null && TransferExport.TryParseFormat(s.Format, out var f)) return f;
        var ext = Path.GetExtension(s.Out ?? "").TrimStart('.');
        return TransferExport.TryParseFormat(ext, out var byExt) ? byExt : TransferExportFormat.Csv;
    }
}

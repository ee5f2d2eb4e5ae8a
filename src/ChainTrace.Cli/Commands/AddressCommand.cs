using System.ComponentModel;
using System.Text;
using System.Text.Json;
using ChainTrace.Cli.Infrastructure;
using ChainTrace.Primitives;
using ChainTrace.Storage;
using Spectre.Console;
using Spectre.Console.Cli;

namespace ChainTrace.Cli.Commands;

/// <summary><c>chaintrace address ADDR</c>: one address's summary as a table or JSON.</summary>
internal sealed class AddressCommand(IAnsiConsole console) : Command<AddressCommand.Settings>
{
    /// <summary>Options of <c>address</c>.</summary>
    internal sealed class Settings : ChainSettings
    {
        [CommandArgument(0, "<ADDRESS>")]
        [Description("The address: 0x… (Ethereum, EIP-55 checked when mixed case) or T… (TRON).")]
        public string Address { get; set; } = "";

        [CommandOption("--format <FORMAT>")]
        [Description("Output: table or json (exact decimal strings for amounts).")]
        [DefaultValue("table")]
        public string Format { get; set; } = "table";

        [CommandOption("--token <TOKEN>")]
        [Description("Token, by symbol or contract. Default: USDT.")]
        public string? Token { get; set; }

        [CommandOption("--top <N>")]
        [Description("How many top counterparties to show.")]
        [DefaultValue(10)]
        public int Top { get; set; } = 10;

        public override ValidationResult Validate()
        {
            if (Format is not ("table" or "json")) return ValidationResult.Error($"unknown format '{Format}' (expected table or json)");
            if (Top < 0) return ValidationResult.Error("--top must be 0 or more");
            return base.Validate();
        }
    }

    /// <inheritdoc/>
    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        if (!Primitives.Address.TryParse(settings.Address, out var address, out var error))
            throw new UsageException($"'{settings.Address}' is not an address: {error}");
        using var store = StoreOpener.OpenForRead(settings.Db, settings.Profile);
        var token = ResolveToken(store, settings.Token, out uint tokenId);
        var summary = store.GetAddressSummary(address, tokenId, settings.Top)
            ?? throw new UsageException($"{store.Profile.Format(address)} does not appear in this store");
        if (settings.Format == "json") WriteJson(console.Profile.Out.Writer, store.Profile, token, summary, w => ClusterCli.WriteAddressClusterFields(w, store, address));
        else Render(console, store.Profile, token, summary);
        return 0;
    }

    internal static TokenInfo ResolveToken(ChainTraceStore store, string? text, out uint tokenId)
    {
        var token = text is null ? store.Profile.DefaultToken : store.Profile.FindToken(text)
            ?? store.Tokens.Select(t => t.Token).FirstOrDefault(t => string.Equals(t.Symbol, text, StringComparison.OrdinalIgnoreCase)
                || (Primitives.Address.TryParse(text, out var a, out _) && t.Contract == a))
            ?? throw new UsageException($"unknown token '{text}'");
        if (!store.TryGetTokenId(token.Contract, out tokenId))
            throw new UsageException($"token {token.Symbol} has no transfers in this store");
        return token;
    }

    internal static void Render(IAnsiConsole console, ChainProfile profile, TokenInfo token, AddressSummary s)
    {
        var grid = new Table().Border(TableBorder.Rounded).Title(Markup.Escape(profile.Format(s.Address)))
            .AddColumn("").AddColumn(new TableColumn("").RightAligned()).HideHeaders();
        grid.AddRow("balance", Markup.Escape(Infrastructure.Format.Amount(s.Balance, token)));
        grid.AddRow("received", Markup.Escape($"{Infrastructure.Format.Amount(s.TotalIn, token)} in {Transfers(s.CountIn)}"));
        grid.AddRow("sent", Markup.Escape($"{Infrastructure.Format.Amount(s.TotalOut, token)} in {Transfers(s.CountOut)}"));
        grid.AddRow("first seen", Markup.Escape(Seen(s.FirstSeen, s.FirstSeenTime)));
        grid.AddRow("last seen", Markup.Escape(Seen(s.LastSeen, s.LastSeenTime)));
        grid.AddRow("labels", s.Labels.Count == 0 ? "-" : Markup.Escape(string.Join("; ", s.Labels.Select(l => $"{l.Category}: {l.Name} ({l.Source})"))));
        grid.AddRow("blacklisted", s.Blacklisted ? "[red]yes[/]" : "no");
        console.Write(grid);

        if (s.TopCounterparties.Count == 0) return;
        var top = new Table().Border(TableBorder.Rounded).Title("Top counterparties")
            .AddColumn("address").AddColumn(new TableColumn("sent to").RightAligned())
            .AddColumn(new TableColumn("received from").RightAligned()).AddColumn(new TableColumn("transfers").RightAligned());
        foreach (var c in s.TopCounterparties)
            top.AddRow(Markup.Escape(profile.Format(c.Address)), Markup.Escape(Infrastructure.Format.Amount(c.Sent, token)),
                Markup.Escape(Infrastructure.Format.Amount(c.Received, token)), Infrastructure.Format.Count(c.Count));
        console.Write(top);
    }

    private static string Transfers(long n) => n == 1 ? "1 transfer" : $"{Infrastructure.Format.Count(n)} transfers";

    private static string Seen(Seq? seq, long? time) =>
        seq is { } q ? $"block {Infrastructure.Format.Count(q.Block)}" + (time is { } t ? $", {Infrastructure.Format.Time(t)}" : "") : "-";

    internal static void WriteJson(TextWriter output, ChainProfile profile, TokenInfo token, AddressSummary s, Action<Utf8JsonWriter>? extra = null)
    {
        using var ms = new MemoryStream();
        using (var w = new Utf8JsonWriter(ms, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            w.WriteString("address", profile.Format(s.Address));
            w.WriteString("chain", profile.Name);
            w.WriteString("token", token.Symbol);
            w.WriteString("token_contract", profile.Format(token.Contract));
            w.WriteNumber("decimals", token.Decimals);
            w.WriteString("balance", Infrastructure.Format.Units(s.Balance, token.Decimals));
            w.WriteString("total_in", Infrastructure.Format.Units(s.TotalIn, token.Decimals));
            w.WriteString("total_out", Infrastructure.Format.Units(s.TotalOut, token.Decimals));
            w.WriteNumber("count_in", s.CountIn);
            w.WriteNumber("count_out", s.CountOut);
            WriteSeen(w, "first_seen", s.FirstSeen, s.FirstSeenTime);
            WriteSeen(w, "last_seen", s.LastSeen, s.LastSeenTime);
            w.WriteBoolean("blacklisted", s.Blacklisted);
            w.WriteStartArray("labels");
            foreach (var l in s.Labels)
            {
                w.WriteStartObject();
                w.WriteString("category", l.Category);
                w.WriteString("name", l.Name);
                w.WriteString("source", l.Source);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteStartArray("top_counterparties");
            foreach (var c in s.TopCounterparties)
            {
                w.WriteStartObject();
                w.WriteString("address", profile.Format(c.Address));
                w.WriteString("sent", Infrastructure.Format.Units(c.Sent, token.Decimals));
                w.WriteString("received", Infrastructure.Format.Units(c.Received, token.Decimals));
                w.WriteNumber("count", c.Count);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            extra?.Invoke(w); // cluster, clusterSize, entity (chaintrace cluster)
            w.WriteEndObject();
        }
        output.WriteLine(Encoding.UTF8.GetString(ms.ToArray()));
        output.Flush();
    }

    private static void WriteSeen(Utf8JsonWriter w, string name, Seq? seq, long? time)
    {
        if (seq is not { } q) { w.WriteNull(name); return; }
        w.WriteStartObject(name);
        w.WriteNumber("block", q.Block);
        w.WriteNumber("tx_index", q.TxIndex);
        if (time is { } t) w.WriteString("time", Infrastructure.Format.Iso(t));
        else w.WriteNull("time");
        w.WriteEndObject();
    }
}

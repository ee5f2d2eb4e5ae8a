using System.ComponentModel;
using ChainTrace.Primitives;
using Spectre.Console;
using Spectre.Console.Cli;

namespace ChainTrace.Cli.Infrastructure;

/// <summary>Options every store command has.</summary>
internal class StoreSettings : CommandSettings
{
    /// <summary>Default store directory.</summary>
    public const string DefaultDb = "./chaintrace-data";

    [CommandOption("--db <DIR>")]
    [Description("Store directory (a RocksDB database; one chain per store).")]
    [DefaultValue(DefaultDb)]
    public string Db { get; set; } = DefaultDb;
}

/// <summary>Options of commands that need to know the chain.</summary>
internal class ChainSettings : StoreSettings
{
    [CommandOption("--chain <CHAIN>")]
    [Description("Chain: ethereum or tron. Default: the store's own chain; ethereum for a new store.")]
    public string? Chain { get; set; }

    /// <summary>The chosen profile, or null when not given.</summary>
    public ChainProfile? Profile => Chain is null ? null : ChainProfile.Get(Chain);

    public override ValidationResult Validate()
    {
        if (Chain is not null && !ChainProfile.All.Any(p => string.Equals(p.Name, Chain, StringComparison.OrdinalIgnoreCase)))
            return ValidationResult.Error($"unknown chain '{Chain}' (expected {string.Join(" or ", ChainProfile.All.Select(p => p.Name))})");
        return base.Validate();
    }
}

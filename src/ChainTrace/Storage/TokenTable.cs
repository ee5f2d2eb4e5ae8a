using System.Buffers.Binary;
using ChainTrace.Primitives;
using ChainTrace.Storage.Encoding;

namespace ChainTrace.Storage;

/// <summary>An immutable snapshot of the tokens family: token ids both ways.</summary>
internal sealed class TokenTable
{
    private readonly Dictionary<Address, uint> _byContract;
    private readonly Dictionary<uint, TokenInfo> _byId;

    /// <summary>Creates a table from (id, token) pairs.</summary>
    public TokenTable(IEnumerable<(uint Id, TokenInfo Token)> tokens)
    {
        List = [.. tokens.OrderBy(t => t.Id)];
        _byContract = List.ToDictionary(t => t.Token.Contract, t => t.Id);
        _byId = List.ToDictionary(t => t.Id, t => t.Token);
    }

    /// <summary>An empty table.</summary>
    public static TokenTable Empty { get; } = new([]);

    /// <summary>Tokens by id.</summary>
    public IReadOnlyList<(uint Id, TokenInfo Token)> List { get; }

    /// <summary>Looks up a token id by contract.</summary>
    public bool TryGetId(Address contract, out uint id) => _byContract.TryGetValue(contract, out id);

    /// <summary>Looks up a token by id.</summary>
    public bool TryGet(uint id, out TokenInfo token) => _byId.TryGetValue(id, out token!);

    /// <summary>A table with more tokens.</summary>
    public TokenTable With(IEnumerable<(uint Id, TokenInfo Token)> more) => new(List.Concat(more));

    /// <summary>Encodes a token's 'i' value: contract, decimals, issuer flag and issuer, symbol (UTF-8).</summary>
    public static byte[] Encode(TokenInfo token)
    {
        var symbol = System.Text.Encoding.UTF8.GetBytes(token.Symbol);
        var value = new byte[20 + 1 + 1 + (token.Issuer is null ? 0 : 20) + symbol.Length];
        token.Contract.WriteTo(value);
        value[20] = (byte)Math.Clamp(token.Decimals, 0, 255);
        int n = 22;
        if (token.Issuer is { } issuer)
        {
            value[21] = 1;
            issuer.WriteTo(value.AsSpan(22));
            n += 20;
        }
        symbol.CopyTo(value.AsSpan(n));
        return value;
    }

    /// <summary>Decodes a token's 'i' value.</summary>
    public static TokenInfo Decode(ReadOnlySpan<byte> value)
    {
        if (value.Length < 22) ValueCodec.ThrowCorrupt("token");
        var contract = new Address(value[..20]);
        int decimals = value[20];
        Address? issuer = null;
        int n = 22;
        if (value[21] == 1)
        {
            if (value.Length < 42) ValueCodec.ThrowCorrupt("token");
            issuer = new Address(value.Slice(22, 20));
            n = 42;
        }
        return new TokenInfo(System.Text.Encoding.UTF8.GetString(value[n..]), contract, decimals, issuer);
    }

    /// <summary>Reads the id stored under a token's 'a' key.</summary>
    public static uint DecodeId(ReadOnlySpan<byte> value) => BinaryPrimitives.ReadUInt32BigEndian(value);
}

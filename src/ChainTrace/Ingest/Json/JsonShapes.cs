namespace ChainTrace.Ingest.Json;

/// <summary>What a JSON object is, told by a property name only one kind of object has.</summary>
internal enum JsonShape : byte
{
    /// <summary>Not decided by this name.</summary>
    Unknown,
    /// <summary>An Ethereum log.</summary>
    Log,
    /// <summary>A block (header fields, transactions).</summary>
    Block,
    /// <summary>A transaction receipt.</summary>
    Receipt,
    /// <summary>A JSON-RPC response envelope.</summary>
    Response,
    /// <summary>An erigon rpc-tests record: request + response.</summary>
    Erigon,
    /// <summary>A TRON /wallet/gettransactioninfobyid result.</summary>
    TronTxInfo,
}

/// <summary>Property names that identify objects.</summary>
internal static class JsonShapes
{
    /// <summary>The kind of object a property name betrays, or <see cref="JsonShape.Unknown"/>.</summary>
    public static JsonShape Classify(ReadOnlySpan<byte> n)
    {
        if (n.SequenceEqual("address"u8) || n.SequenceEqual("topics"u8) || n.SequenceEqual("logIndex"u8) || n.SequenceEqual("data"u8))
            return JsonShape.Log;
        if (n.SequenceEqual("jsonrpc"u8) || n.SequenceEqual("result"u8) || n.SequenceEqual("error"u8))
            return JsonShape.Response;
        if (n.SequenceEqual("request"u8) || n.SequenceEqual("response"u8))
            return JsonShape.Erigon;
        if (n.SequenceEqual("logs"u8) || n.SequenceEqual("cumulativeGasUsed"u8) || n.SequenceEqual("contractAddress"u8)
            || n.SequenceEqual("effectiveGasPrice"u8) || n.SequenceEqual("status"u8))
            return JsonShape.Receipt;
        if (n.SequenceEqual("parentHash"u8) || n.SequenceEqual("transactions"u8) || n.SequenceEqual("miner"u8)
            || n.SequenceEqual("stateRoot"u8) || n.SequenceEqual("sha3Uncles"u8) || n.SequenceEqual("baseFeePerGas"u8)
            || n.SequenceEqual("extraData"u8) || n.SequenceEqual("difficulty"u8) || n.SequenceEqual("gasLimit"u8)
            || n.SequenceEqual("timestamp"u8))
            return JsonShape.Block;
        if (n.SequenceEqual("log"u8) || n.SequenceEqual("contractResult"u8) || n.SequenceEqual("blockTimeStamp"u8)
            || n.SequenceEqual("contract_address"u8) || n.SequenceEqual("receipt"u8) || n.SequenceEqual("fee"u8))
            return JsonShape.TronTxInfo;
        return JsonShape.Unknown;
    }

    /// <summary>True for 64 hex digits: the transaction-id keys of a TRON id → info dictionary.</summary>
    public static bool IsTxIdKey(ReadOnlySpan<byte> name) =>
        name.Length == 64 && name.IndexOfAnyExcept("0123456789abcdefABCDEF"u8) < 0;
}

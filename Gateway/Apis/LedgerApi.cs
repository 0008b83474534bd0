using System.Globalization;
using Ainur.Gateway.Cluster;
using Ainur.Gateway.Errors;
using Ainur.Gateway.Ledger;
using Ainur.Grains.Interfaces.Ledger;
using Ainur.Protocol.Hashing;
using Ainur.Protocol.Identity;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Ainur.Gateway.Apis;

/// <summary>
/// Public reads of the finalized ledger: <c>/v1/ledger/blocks/{height}</c>, <c>/v1/ledger/blocks/stream</c>,
/// <c>/v1/ledger/txs/{id}</c>, <c>/v1/ledger/validators</c> and <c>/v1/accounts/{did}</c>.
/// </summary>
public static class LedgerApi
{
    /// <summary>Maps the ledger's read endpoints.</summary>
    public static IEndpointRouteBuilder MapLedgerApi(this IEndpointRouteBuilder routes)
    {
        var ledger = routes.MapGroup("/v1/ledger").WithTags("Ledger");
        ledger.MapGet("/blocks/{height}", GetBlockAsync)
            .WithSummary("Read a finalized block")
            .WithDescription("Header (hex hashes), transactions (id, kind, decoded fields, base64 canonical bytes) and the commit certificate. 404 until the height is final.");
        ledger.MapGet("/blocks/stream", StreamBlocks)
            .WithSummary("Subscribe to finalized blocks (server-sent events)")
            .WithDescription("One event per finalized block, in height order: id = height, event = block, data = the block summary JSON. Starts at Last-Event-ID + 1 when that header is sent (it wins), else at ?from=, else at the next block. A comment line is sent as keep-alive while no block comes.");
        ledger.MapGet("/txs/{id}", GetTransactionAsync)
            .WithSummary("Read a transaction's status and payment proof")
            .WithDescription("pending, final (height, position, the transaction and its payment proof: base64 for `ainur verify`, and its parts as JSON) or rejected (the ledger's code and message). 404 when the ledger does not know the id.");
        ledger.MapGet("/validators", GetValidatorsAsync)
            .WithSummary("The chain id, the validator set and each validator's status")
            .WithDescription("Validators in index order; this document is the validator-set file `ainur verify --validators` reads.");
        routes.MapGet("/v1/accounts/{did}", GetAccountAsync)
            .WithTags("Ledger")
            .WithSummary("Read an account's balance, stake, unbonding entries and nonce")
            .WithDescription("As of the latest finalized block (its height is returned). An account never used reads as all zeros.");
        return routes;
    }

    private static async Task<Results<Ok<BlockView>, ProblemHttpResult>> GetBlockAsync(string height, IClusterClient cluster, CancellationToken cancellationToken)
    {
        if (!TryParseHeight(height, out var number))
        {
            return Problems.InvalidRouteValue("height", "A block height is a positive whole number.");
        }

        var block = await GrainRetry.RunAsync(() => cluster.GetGrain<ILedgerQueryGrain>(0).GetBlockAsync(number), cancellationToken);
        return block is null
            ? Problems.NotFound("block-not-found", $"No block is final at height {number} yet.")
            : TypedResults.Ok(BlockView.From(block));
    }

    private static Results<BlockStreamResult, ProblemHttpResult> StreamBlocks(string? from, HttpContext context)
    {
        var lastEventId = context.Request.Headers["Last-Event-ID"];
        if (lastEventId.Count > 0)
        {
            return long.TryParse(lastEventId.ToString(), NumberStyles.None, CultureInfo.InvariantCulture, out var last) && last < long.MaxValue
                ? new BlockStreamResult(last + 1)
                : Problems.InvalidHeader("Last-Event-ID", "invalid-last-event-id", "Last-Event-ID is the height of the last block received: a whole number.");
        }

        if (from is null)
        {
            return new BlockStreamResult(null);
        }

        return TryParseHeight(from, out var start)
            ? new BlockStreamResult(start)
            : Problems.InvalidQueryValue("from", "'from' is the first height to send: a positive whole number.");
    }

    private static async Task<Results<Ok<TxStatusView>, ProblemHttpResult>> GetTransactionAsync(string id, IClusterClient cluster, CancellationToken cancellationToken)
    {
        if (!Hash32.TryParse(id, out var transactionId))
        {
            return Problems.InvalidRouteValue("transaction-id", "A transaction id is 64 hex digits.");
        }

        var view = await GrainRetry.RunAsync(() => cluster.GetGrain<ILedgerQueryGrain>(0).GetTransactionAsync(transactionId), cancellationToken);
        return view.Status.State == TxState.Unknown
            ? Problems.NotFound("tx-not-found", $"The ledger knows no transaction {transactionId} (never submitted, or lost before it was final).")
            : TypedResults.Ok(TxStatusView.From(view.Status, view.Proof));
    }

    private static async Task<Ok<ValidatorSetView>> GetValidatorsAsync(IClusterClient cluster, CancellationToken cancellationToken)
    {
        var view = await GrainRetry.RunAsync(() => cluster.GetGrain<ILedgerQueryGrain>(0).GetValidatorsAsync(), cancellationToken);
        return TypedResults.Ok(ValidatorSetView.From(view));
    }

    private static async Task<Results<Ok<AccountView>, ProblemHttpResult>> GetAccountAsync(string did, IClusterClient cluster, CancellationToken cancellationToken)
    {
        if (!RouteDid.TryParse(did, out var account, out var problem))
        {
            return problem;
        }

        var snapshot = await GrainRetry.RunAsync(() => cluster.GetGrain<ILedgerQueryGrain>(0).GetAccountAsync(account), cancellationToken);
        return TypedResults.Ok(AccountView.From(snapshot));
    }

    private static bool TryParseHeight(string text, out long height) =>
        long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out height) && height >= 1;
}

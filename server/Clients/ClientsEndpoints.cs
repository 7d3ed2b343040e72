using System.ComponentModel.DataAnnotations;
using System.ComponentModel;
using Dapper;
using Microsoft.AspNetCore.Http.HttpResults;
using MySqlConnector;
using Relay.Contracts.Api;
using Relay.Contracts.Auth;
using Relay.Contracts.OpenApi;
using Relay.Server.Credentials;
using Relay.Server.Http;
using Relay.Server.Outbox;

namespace Relay.Server.Clients;

internal static class ClientsEndpoints
{
    private const string Columns = $"""
        c.id AS Id, c.name AS Name, c.host AS Host, c.port AS Port, c.last_contact_at AS LastContactAt, c.last_error AS LastError,
        {ClientQueue.PendingCount} AS PendingMessages,
        {ClientQueue.OldestPendingAt} AS OldestPendingAt,
        (SELECT COUNT(*) FROM messages m WHERE m.client_id = c.id AND m.state = 'failed') AS FailedMessages,
        CASE WHEN c.lease_expires_at > UTC_TIMESTAMP(6) THEN c.lease_owner END AS ServedBy,
        c.credential_generation AS CredentialGeneration, c.previous_credential_until AS PreviousCredentialValidUntil, c.credential_in_use AS CredentialInUse
        """;

    private static readonly RequestExample Example = RequestExample.Json(new ClientRequest("site-a-door", "10.0.0.21", 5001));

    public static void MapClients(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/clients").WithTags("Clients");
        group.MapGet("/", List).WithName("ListClients").RequireAuthorization(ApiKeyPolicies.Status).WithSummary("List registered clients, by id.");
        group.MapPost("/", Create).WithName("CreateClient").RequireAuthorization(ApiKeyPolicies.Admin).WithSummary("Register a client daemon.")
            .WithRequestExamples(Example)
            .ProducesProblem(StatusCodes.Status409Conflict);
        group.MapGet("/{id}", Get).WithName("GetClient").RequireAuthorization(ApiKeyPolicies.Status).WithSummary("Get one client.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        group.MapPut("/{id}", Update).WithName("UpdateClient").RequireAuthorization(ApiKeyPolicies.Admin).WithSummary("Change a client's name or address.")
            .WithRequestExamples(Example)
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        group.MapDelete("/{id}", Delete).WithName("DeleteClient").RequireAuthorization(ApiKeyPolicies.Admin).WithSummary("Unregister a client; its pending messages are dropped.")
            .ProducesProblem(StatusCodes.Status404NotFound);
    }

    private static async Task<Results<Ok<Page<ClientResponse>>, ValidationProblem>> List(
        MySqlDataSource db, [Description(Paging.LimitText), Range(1, Paging.MaxLimit), DefaultValue(Paging.DefaultLimit)] int? limit, [Description(Paging.AfterIdText)] long? afterId, CancellationToken ct)
    {
        var errors = Paging.Validate(limit, afterId);
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var take = limit ?? Paging.DefaultLimit;
        await using var connection = await db.OpenConnectionAsync(ct);
        var items = (await connection.QueryAsync<ClientResponse>(new CommandDefinition(
            $"SELECT {Columns} FROM clients c WHERE c.id > @after ORDER BY c.id LIMIT @take",
            new { after = afterId ?? 0, take }, cancellationToken: ct))).AsList();
        return TypedResults.Ok(new Page<ClientResponse>(items, items.Count == take ? items[^1].Id : null));
    }

    private static async Task<Results<Ok<ClientResponse>, ValidationProblem, ProblemHttpResult>> Get(
        MySqlDataSource db, [Description("The client's id.")] long id, CancellationToken ct)
    {
        var errors = Paging.ValidateIds(("id", id));
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var client = await FindAsync(db, id, ct);
        return client is null ? Problems.NotFound("Client", id) : TypedResults.Ok(client);
    }

    private static async Task<Results<Created<ClientResponse>, ValidationProblem, ProblemHttpResult>> Create(
        MySqlDataSource db, TimeProvider time, OutboxSignal signal, ClientCredentials credentials, ClientRequest request, CancellationToken ct)
    {
        var errors = RequestValidation.Validate(request);
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        await using var connection = await db.OpenConnectionAsync(ct);
        try
        {
            var id = await connection.ExecuteScalarAsync<long>(new CommandDefinition("""
                INSERT INTO clients (name, host, port, created_at) VALUES (@Name, @Host, @Port, @now);
                SELECT LAST_INSERT_ID();
                """, new { request.Name, request.Host, request.Port, now = time.GetUtcNow().UtcDateTime }, cancellationToken: ct));
            signal.NotifyClientsChanged();
            var credential = await credentials.CurrentAsync(id, ct);
            var created = new ClientResponse(id, request.Name!, request.Host!, request.Port!.Value, null, null, 0, null, 0, null, credential!.Generation, null, null)
            {
                Credential = credential.Encode(),
            };
            return TypedResults.Created($"/clients/{id}", created);
        }
        catch (MySqlException e) when (e.ErrorCode == MySqlErrorCode.DuplicateKeyEntry)
        {
            return EndpointTaken(request);
        }
    }

    private static async Task<Results<Ok<ClientResponse>, ValidationProblem, ProblemHttpResult>> Update(
        MySqlDataSource db, OutboxSignal signal, [Description("The client's id.")] long id, ClientRequest request, CancellationToken ct)
    {
        var errors = Paging.ValidateIds(("id", id));
        foreach (var (field, messages) in RequestValidation.Validate(request))
        {
            errors[field] = messages;
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        await using var connection = await db.OpenConnectionAsync(ct);
        try
        {
            var found = await connection.ExecuteScalarAsync<long>(new CommandDefinition("""
                UPDATE clients SET name = @Name, host = @Host, port = @Port WHERE id = @id;
                SELECT COUNT(*) FROM clients WHERE id = @id;
                """, new { id, request.Name, request.Host, request.Port }, cancellationToken: ct));
            if (found == 0)
            {
                return Problems.NotFound("Client", id);
            }
        }
        catch (MySqlException e) when (e.ErrorCode == MySqlErrorCode.DuplicateKeyEntry)
        {
            return EndpointTaken(request);
        }

        signal.NotifyClientsChanged();
        return TypedResults.Ok((await FindAsync(db, id, ct))!);
    }

    private static async Task<Results<NoContent, ValidationProblem, ProblemHttpResult>> Delete(
        MySqlDataSource db, OutboxSignal signal, [Description("The client's id.")] long id, CancellationToken ct)
    {
        var errors = Paging.ValidateIds(("id", id));
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        await using var connection = await db.OpenConnectionAsync(ct);
        var deleted = await connection.ExecuteAsync(new CommandDefinition("DELETE FROM clients WHERE id = @id", new { id }, cancellationToken: ct));
        if (deleted == 0)
        {
            return Problems.NotFound("Client", id);
        }

        signal.NotifyClientsChanged();
        return TypedResults.NoContent();
    }

    private static async Task<ClientResponse?> FindAsync(MySqlDataSource db, long id, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        return await connection.QuerySingleOrDefaultAsync<ClientResponse>(new CommandDefinition(
            $"SELECT {Columns} FROM clients c WHERE c.id = @id", new { id }, cancellationToken: ct));
    }

    private static ProblemHttpResult EndpointTaken(ClientRequest request) =>
        Problems.Conflict("Another client already uses this address.", $"A client is already registered at {request.Host}:{request.Port}.", "host", "port");
}

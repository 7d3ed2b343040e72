using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Relay.Hosting.Api;
using Relay.Hosting.Auth;
using Relay.Hosting.Http;
using Relay.Server.Http;

namespace Relay.Server.Credentials;

internal static class CredentialsEndpoints
{
    private const int MaxOverlapSeconds = 30 * 24 * 3600;

    public static void AddCredentials(this WebApplicationBuilder builder)
    {
        builder
            .Services.AddOptions<CredentialOptions>()
            .BindConfiguration(CredentialOptions.Section)
            .ValidateEveryRule()
            .ValidateOnStart();
        builder.Services.AddSingleton<ServerKeys>();
        builder.Services.AddSingleton<ClientCredentials>();
    }

    public static void MapCredentials(this IEndpointRouteBuilder app)
    {
        app.MapPost("/clients/{id}/credentials", Rotate)
            .WithName("RotateClientCredential")
            .WithTags("Clients")
            .RequireAuthorization(ApiKeyPolicies.Admin)
            .WithSummary(
                "Issue a client's next link credential; the one before keeps working for overlap seconds (Credentials:Overlap by default), so the client can be given the new one without a gap. With overlap=0 the one before stops at once, and its live links are closed within about a second."
            )
            .ProducesProblem(StatusCodes.Status404NotFound);
        app.MapDelete("/clients/{id}/credentials", Revoke)
            .WithName("RevokeClientCredentials")
            .WithTags("Clients")
            .RequireAuthorization(ApiKeyPolicies.Admin)
            .WithSummary(
                "Revoke every link credential of a client (a device was lost or taken): its live links are closed within about a second on every instance, and none opens again until POST /clients/{id}/credentials issues a new one."
            )
            .ProducesProblem(StatusCodes.Status404NotFound);
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> Revoke(
        ClientCredentials credentials,
        [Description("The client's id."), PositiveId] long id,
        CancellationToken ct
    ) => await credentials.RevokeAsync(id, ct) ? TypedResults.NoContent() : Problems.NotFound("Client", id);

    private static async Task<Results<Ok<IssuedCredential>, ProblemHttpResult>> Rotate(
        ClientCredentials credentials,
        IOptions<CredentialOptions> options,
        [Description("The client's id."), PositiveId] long id,
        [
            Description("Seconds the credential before keeps working; Credentials:Overlap when none is given."),
            Range(0, MaxOverlapSeconds, ErrorMessage = "{0} must be between {1} and {2} seconds (30 days).")
        ]
            int? overlap,
        CancellationToken ct
    )
    {
        var issued = await credentials.RotateAsync(
            id,
            overlap is { } seconds ? TimeSpan.FromSeconds(seconds) : options.Value.Overlap,
            ct
        );
        return issued is null ? Problems.NotFound("Client", id) : TypedResults.Ok(issued);
    }
}

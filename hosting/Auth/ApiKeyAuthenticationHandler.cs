using System.Globalization;
using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Relay.Hosting.Http;

namespace Relay.Hosting.Auth;

/// <summary>
/// Authenticates a request by its <c>X-Api-Key</c> header: the caller becomes the key's name,
/// with the key's role and every weaker one. A wrong key counts against the caller's address
/// (<see cref="FailedAuthBrake"/>); once the address has failed too often its wrong keys get 429
/// until its window ends (a valid key from it still works). Answers 401, 403 and 429 as problem
/// details.
/// </summary>
public sealed partial class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory loggerFactory,
    UrlEncoder encoder,
    ApiKeySettings settings,
    FailedAuthBrake brake
) : AuthenticationHandler<AuthenticationSchemeOptions>(options, loggerFactory, encoder)
{
    /// <summary>The authentication scheme's name.</summary>
    public const string SchemeName = "ApiKey";

    /// <summary>The request header that carries the key.</summary>
    public const string Header = "X-Api-Key";

    private const string BrakedItem = "relay.auth.retryAfter";

    /// <inheritdoc />
    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var given = Request.Headers[Header].ToString();
        if (given.Length == 0)
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }

        // A valid key is checked first: others failing from the same address never lock its holder out.
        var address = Context.Connection.RemoteIpAddress;
        if (ApiKey.Match(settings.Keys, given) is not { } key)
        {
            if (brake.IsBraked(address, out var retryAfter))
            {
                Context.Items[BrakedItem] = retryAfter;
                return Task.FromResult(AuthenticateResult.Fail("Too many failed attempts from this address."));
            }

            brake.RecordFailure(address);
            LogWrongKey(Logger, address?.ToString() ?? "unknown", Request.Method, Request.Path);
            return Task.FromResult(AuthenticateResult.Fail("The API key is not valid."));
        }

        var claims = ApiKeyRoles
            .Granted(key.Role)
            .Select(role => new Claim(ClaimTypes.Role, role))
            .Prepend(new Claim(ClaimTypes.Name, key.Name));
        var principal = new ClaimsPrincipal(new ClaimsIdentity(claims, SchemeName));
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(principal, SchemeName)));
    }

    /// <summary>401, or 429 with <c>Retry-After</c> when the address is braked.</summary>
    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        if (Context.Items[BrakedItem] is TimeSpan retryAfter)
        {
            var seconds = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds));
            Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
            return WriteProblemAsync(
                StatusCodes.Status429TooManyRequests,
                "Too many failed attempts.",
                $"This address sent too many wrong API keys; a wrong key from it is refused for {seconds} s more (a valid key is not)."
            );
        }

        Response.Headers.WWWAuthenticate = $"ApiKey header=\"{Header}\"";
        var missing = Request.Headers[Header].ToString().Length == 0;
        return WriteProblemAsync(
            StatusCodes.Status401Unauthorized,
            missing ? "An API key is required." : "The API key is not valid.",
            $"Send a key in the {Header} header."
        );
    }

    /// <summary>403 naming the key, its role and the role the call needs.</summary>
    protected override Task HandleForbiddenAsync(AuthenticationProperties properties)
    {
        var needed = ApiKeyPolicies.RoleNeededBy(Context.GetEndpoint());
        var granted = ApiKeyRoles.All.LastOrDefault(Context.User.IsInRole) ?? "none";
        return WriteProblemAsync(
            StatusCodes.Status403Forbidden,
            "The API key may not do this.",
            $"The key '{Context.User.Identity?.Name}' has the role {granted}; {Request.Method} {Request.Path} needs a key with the role {needed}."
        );
    }

    private Task WriteProblemAsync(int status, string title, string detail) =>
        Context.WriteProblemAsync(status, title, detail);

    [LoggerMessage(
        EventId = 1102,
        Level = LogLevel.Warning,
        Message = "A wrong API key from {Address} on {Method} {Path}"
    )]
    private static partial void LogWrongKey(ILogger logger, string address, string method, string path);
}

using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;
using Relay.Hosting.Http;

namespace Relay.Server.Http;

/// <summary>
/// Verify, sync, import and export make the server and the clients work: each caller may make
/// <see cref="LimitsOptions.ExpensiveCallsPerMinute"/> of them (a token bucket, so a burst is
/// fine) and run <see cref="LimitsOptions.ExpensiveCallsAtOnce"/> together; past that the answer is
/// 429 with a <c>Retry-After</c> that says when the next one is allowed. Built on ASP.NET Core's
/// rate limiter, partitioned by the caller's key (or address, when it has none).
/// </summary>
internal static class ExpensiveCalls
{
    public const string Policy = "expensive";

    public static void AddExpensiveCallLimits(this WebApplicationBuilder builder)
    {
        builder
            .Services.AddOptions<LimitsOptions>()
            .BindConfiguration(LimitsOptions.Section)
            .ValidateEveryRule()
            .ValidateOnStart();
        builder.Services.AddRateLimiter(_ => { });
        builder
            .Services.AddOptions<RateLimiterOptions>()
            .Configure<IOptions<LimitsOptions>>(
                (rate, limits) =>
                {
                    var perMinute = limits.Value.ExpensiveCallsPerMinute;
                    var atOnce = limits.Value.ExpensiveCallsAtOnce;
                    rate.AddPolicy(Policy, http =>
                        RateLimitPartition.GetTokenBucketLimiter(Caller(http), _ => new TokenBucketRateLimiterOptions
                        {
                            // One token at a time, so Retry-After (one period) is when the next call is allowed.
                            TokenLimit = perMinute,
                            TokensPerPeriod = 1,
                            ReplenishmentPeriod = TimeSpan.FromMinutes(1) / perMinute,
                            QueueLimit = 0,
                            AutoReplenishment = true,
                        })
                    );

                    // Only one policy per endpoint: how many run at once is the global limiter's, for expensive routes.
                    rate.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(http =>
                        http.GetEndpoint()?.Metadata.GetMetadata<EnableRateLimitingAttribute>()?.PolicyName == Policy
                            ? RateLimitPartition.GetConcurrencyLimiter(Caller(http), _ => new ConcurrencyLimiterOptions
                            {
                                PermitLimit = atOnce,
                                QueueLimit = atOnce * 4,
                                QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
                            })
                            : RateLimitPartition.GetNoLimiter("")
                    );
                    rate.OnRejected = RejectAsync;
                }
            );
    }

    /// <summary>Marks a route as expensive.</summary>
    public static TBuilder Expensive<TBuilder>(this TBuilder route)
        where TBuilder : IEndpointConventionBuilder => route.RequireRateLimiting(Policy);

    private static string Caller(HttpContext http) =>
        http.User.Identity?.IsAuthenticated == true
            ? $"key:{http.User.Identity.Name}"
            : $"address:{http.Connection.RemoteIpAddress}";

    private static async ValueTask RejectAsync(OnRejectedContext rejected, CancellationToken ct)
    {
        var http = rejected.HttpContext;
        var seconds = rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var after)
            ? Math.Max(1, (int)Math.Ceiling(after.TotalSeconds))
            : 1;
        http.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        await http.WriteProblemAsync(
            StatusCodes.Status429TooManyRequests,
            "Too many expensive calls.",
            $"Verify, sync, import and export are limited per key (Limits:ExpensiveCallsPerMinute, Limits:ExpensiveCallsAtOnce); try again in {seconds} s."
        );
    }
}

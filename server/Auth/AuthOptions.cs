using System.ComponentModel.DataAnnotations;
using System.Globalization;
using Relay.Hosting.Auth;
using Relay.Hosting.Http;

namespace Relay.Server.Auth;

/// <summary>
/// Who may call the API. Section <c>Auth</c>: named keys, each with a role, given in clear or as
/// their SHA-256 (so the settings need not hold the key itself); <see cref="ApiKey"/> is a
/// shorthand for one admin key. At least one key is required.
/// </summary>
internal sealed class AuthOptions : IValidatableObject
{
    public const string Section = "Auth";

    /// <summary>One admin key named <c>admin</c>: what a single operator needs.</summary>
    [MinLength(8, ErrorMessage = "Auth:ApiKey must be at least 8 characters when set.")]
    public string? ApiKey { get; init; }

    public List<KeySetting> Keys { get; init; } = [];

    /// <summary>Reads of personal data (personnel) without a key. Off by default.</summary>
    public bool OpenReads { get; init; }

    /// <summary>
    /// Reads of status without a key: clients, operations, messages and verifications, which hold
    /// no personal data (ids, counts, states, errors). On by default, for load balancers, probes
    /// and dashboards; off makes them need a read key too.
    /// </summary>
    public bool OpenStatus { get; init; } = true;

    /// <summary>Wrong keys one address may send per <see cref="FailedAttemptsWindow"/> before it gets 429.</summary>
    [Range(1, 1_000_000, ErrorMessage = "Auth:FailedAttemptsAllowed must be between 1 and 1000000.")]
    public int FailedAttemptsAllowed { get; init; } = 10;

    [DurationRange("00:00:01", "1.00:00:00", ErrorMessage = "Auth:FailedAttemptsWindow must be between 1 s and 1 day.")]
    public TimeSpan FailedAttemptsWindow { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// Proxies whose <c>X-Forwarded-For</c> is believed: IP addresses or CIDR networks. Empty (the
    /// default), the caller is the address that connected; behind a proxy that is the proxy, and
    /// the brake and the audit log would see one caller for everyone.
    /// </summary>
    public List<string> TrustedProxies { get; init; } = [];

    public ApiKeySettings ToSettings()
    {
        var keys = Keys.Select(k => new ApiKey(
                k.Name,
                k.Key is { Length: > 0 } ? Relay.Hosting.Auth.ApiKey.Hash(k.Key) : Convert.FromHexString(k.KeySha256!),
                k.Role
            ))
            .ToList();
        if (!string.IsNullOrEmpty(ApiKey))
        {
            keys.Add(Relay.Hosting.Auth.ApiKey.FromSecret("admin", ApiKey, ApiKeyRoles.Admin));
        }

        return new ApiKeySettings(keys, OpenReads, OpenStatus);
    }

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (string.IsNullOrEmpty(ApiKey) && Keys.Count == 0)
        {
            yield return new ValidationResult(
                "Auth:ApiKey is not set and Auth:Keys is empty: set at least one key (Auth:ApiKey, or Auth:Keys:0:Name, :Key or :KeySha256, and :Role).",
                [nameof(ApiKey)]
            );
        }

        for (var i = 0; i < TrustedProxies.Count; i++)
        {
            if (!TrustedProxyList.TryParse(TrustedProxies[i], out _))
            {
                yield return new ValidationResult(
                    $"Auth:TrustedProxies:{i} must be an IP address (10.0.0.5) or a CIDR network (10.0.0.0/8); '{TrustedProxies[i]}' is neither.",
                    [$"TrustedProxies:{i}"]
                );
            }
        }

        var names = new HashSet<string>(StringComparer.Ordinal);
        if (!string.IsNullOrEmpty(ApiKey))
        {
            names.Add("admin");
        }

        for (var i = 0; i < Keys.Count; i++)
        {
            foreach (var problem in Keys[i].Problems())
            {
                yield return new ValidationResult($"Auth:Keys:{i}: {problem}", [$"Keys:{i}"]);
            }

            if (!string.IsNullOrEmpty(Keys[i].Name) && !names.Add(Keys[i].Name))
            {
                yield return new ValidationResult(
                    $"Auth:Keys:{i}: the name '{Keys[i].Name}' is used twice (Auth:ApiKey is named 'admin').",
                    [$"Keys:{i}"]
                );
            }
        }
    }
}

internal sealed class KeySetting
{
    public string Name { get; init; } = "";

    public string? Key { get; init; }

    /// <summary>The key's SHA-256 as 64 hex digits: <c>printf %s "$key" | sha256sum</c>.</summary>
    public string? KeySha256 { get; init; }

    public string Role { get; init; } = "";

    public IEnumerable<string> Problems()
    {
        if (string.IsNullOrWhiteSpace(Name) || Name.Length > 64)
        {
            yield return "Name is required (1-64 characters): logs and the audit log say it.";
        }

        if (string.IsNullOrEmpty(Key) == string.IsNullOrEmpty(KeySha256))
        {
            yield return "give either Key or KeySha256, not both or neither.";
        }
        else if (Key is { Length: > 0 and < 8 })
        {
            yield return "Key must be at least 8 characters.";
        }
        else if (KeySha256 is { Length: > 0 } && (KeySha256.Length != 64 || !KeySha256.All(Uri.IsHexDigit)))
        {
            yield return "KeySha256 must be 64 hex digits (the SHA-256 of the key).";
        }

        if (!ApiKeyRoles.IsKnown(Role))
        {
            yield return string.Create(
                CultureInfo.InvariantCulture,
                $"Role '{Role}' is not one of {string.Join(", ", ApiKeyRoles.All)}."
            );
        }
    }
}

using System.ComponentModel.DataAnnotations;
using MySqlConnector;

namespace Relay.Server.Database;

/// <summary><c>ConnectionStrings:Relay</c>, checked at start-up like every other setting.</summary>
internal sealed class DatabaseOptions : IValidatableObject
{
    public const string Section = "ConnectionStrings";

    public const string ConnectionStringName = "Relay";

    public string? ConnectionString { get; set; }

    /// <summary><c>Database:Password</c>: the password, apart from the connection string, so it can come from a file
    /// (<c>Database__Password_FILE</c>) the MySQL container reads too.</summary>
    public string? Password { get; set; }

    /// <summary>The connection string as the server uses it: UTC timestamps, a short connect timeout.</summary>
    public string Effective()
    {
        var csb = new MySqlConnectionStringBuilder(ConnectionString!)
        {
            // Timestamps are written as UTC from TimeProvider and must come back as UTC.
            DateTimeKind = MySqlDateTimeKind.Utc,
        };
        if (!string.IsNullOrEmpty(Password))
        {
            csb.Password = Password;
        }

        csb.ConnectionTimeout = Math.Min(csb.ConnectionTimeout, 5);
        return csb.ConnectionString;
    }

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (string.IsNullOrWhiteSpace(ConnectionString))
        {
            yield return new ValidationResult(
                $"ConnectionStrings:{ConnectionStringName} is not set. Give the MySQL connection string in appsettings.json or as the environment variable ConnectionStrings__{ConnectionStringName}.",
                [nameof(ConnectionString)]
            );
            yield break;
        }

        string? error = null;
        try
        {
            _ = new MySqlConnectionStringBuilder(ConnectionString);
        }
        catch (ArgumentException e)
        {
            error = e.Message;
        }

        if (error is not null)
        {
            yield return new ValidationResult(
                $"ConnectionStrings:{ConnectionStringName} is not a valid MySQL connection string: {error}",
                [nameof(ConnectionString)]
            );
        }
    }
}

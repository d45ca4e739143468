using System.Diagnostics.CodeAnalysis;

namespace LuckyGas.Api.Domain;

/// <summary>
/// LPG cylinder size that Lucky Gas delivers. Each member's value is the cylinder's gas capacity in kilograms.
/// </summary>
public enum CylinderSize
{
    /// <summary>4 kg cylinder.</summary>
    Kg4 = 4,

    /// <summary>10 kg cylinder.</summary>
    Kg10 = 10,

    /// <summary>16 kg cylinder.</summary>
    Kg16 = 16,

    /// <summary>20 kg cylinder.</summary>
    Kg20 = 20,

    /// <summary>50 kg cylinder.</summary>
    Kg50 = 50,
}

/// <summary>Parsing and listing of <see cref="CylinderSize"/> values.</summary>
public static class CylinderSizes
{
    /// <summary>Every cylinder size, smallest first.</summary>
    public static IReadOnlyList<CylinderSize> All { get; } =
        [CylinderSize.Kg4, CylinderSize.Kg10, CylinderSize.Kg16, CylinderSize.Kg20, CylinderSize.Kg50];

    /// <summary>Capacities of <see cref="All"/> in kilograms, for messages, such as "4, 10, 16, 20 or 50".</summary>
    public static string AllowedKilogramsText { get; } =
        string.Join(", ", All.Take(All.Count - 1).Select(size => (int)size)) + " or " + (int)All[^1];

    /// <summary>Returns the gas capacity of <paramref name="size"/> in kilograms.</summary>
    public static int Kilograms(this CylinderSize size) => (int)size;

    /// <summary>
    /// Converts a capacity in kilograms to its cylinder size. Returns false, with an error that lists the allowed
    /// capacities, when no cylinder has that capacity.
    /// </summary>
    public static bool TryFromKilograms(int kilograms, out CylinderSize size, [NotNullWhen(false)] out string? error)
    {
        foreach (var candidate in All)
        {
            if ((int)candidate == kilograms)
            {
                size = candidate;
                error = null;
                return true;
            }
        }

        size = default;
        error = $"cylinder size must be {AllowedKilogramsText} kg, but was {kilograms} kg";
        return false;
    }

    /// <summary>Converts a capacity in kilograms to its cylinder size.</summary>
    /// <exception cref="ArgumentOutOfRangeException">
    /// No cylinder has that capacity. The message lists the allowed ones.
    /// </exception>
    public static CylinderSize FromKilograms(int kilograms)
    {
        if (!TryFromKilograms(kilograms, out var size, out var error))
        {
            throw new ArgumentOutOfRangeException(nameof(kilograms), kilograms, error);
        }

        return size;
    }
}

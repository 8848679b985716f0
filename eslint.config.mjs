import nx from "@nx/eslint-plugin";

export default [
    ...nx.configs["flat/base"],
    ...nx.configs["flat/typescript"],
    ...nx.configs["flat/javascript"],
    {
        ignores: [
            "**/dist",
            "**/out-tsc"
        ]
    },
    {
        files: [
            "**/*.ts",
            "**/*.tsx",
            "**/*.js",
            "**/*.jsx"
        ],
        rules: {
            "@nx/enforce-module-boundaries": [
                "error",
                {
                    enforceBuildableLibDependency: true,
                    allow: [
                        "^.*/eslint(\\.base)?\\.config\\.[cm]?[jt]s$",
                        // Apps share one webpack config factory from tools/.
                        "^(\\.\\./)+tools/webpack/app-webpack\\.config$"
                    ],
                    depConstraints: [
                        // Layering: apps -> feature -> adapter -> util -> protocol; protocol stands alone.
                        { sourceTag: "type:app", onlyDependOnLibsWithTags: ["type:feature", "type:adapter", "type:util", "type:protocol", "type:testing"] },
                        { sourceTag: "type:feature", onlyDependOnLibsWithTags: ["type:feature", "type:adapter", "type:util", "type:protocol", "type:testing"] },
                        { sourceTag: "type:adapter", onlyDependOnLibsWithTags: ["type:util", "type:protocol", "type:testing"] },
                        { sourceTag: "type:util", onlyDependOnLibsWithTags: ["type:util", "type:protocol"] },
                        { sourceTag: "type:testing", onlyDependOnLibsWithTags: ["type:util", "type:protocol"] },
                        { sourceTag: "type:protocol", onlyDependOnLibsWithTags: [] },
                        // Apps share only shared libs; an app's own libs stay with it.
                        { sourceTag: "scope:gateway", onlyDependOnLibsWithTags: ["scope:shared", "scope:gateway"] },
                        { sourceTag: "scope:registry", onlyDependOnLibsWithTags: ["scope:shared", "scope:registry"] },
                        { sourceTag: "scope:context-sync", onlyDependOnLibsWithTags: ["scope:shared", "scope:context-sync"] },
                        { sourceTag: "scope:edge-node", onlyDependOnLibsWithTags: ["scope:shared", "scope:edge-node"] },
                        // The CLI composes every service into the all-in-one `pimcp up`.
                        { sourceTag: "scope:cli", onlyDependOnLibsWithTags: ["scope:shared", "scope:cli", "scope:gateway", "scope:registry", "scope:context-sync", "scope:edge-node"] },
                        // Plugin packages (nx g @pimcp/generators:plugin) build on the SDK only.
                        { sourceTag: "scope:plugins", onlyDependOnLibsWithTags: ["scope:shared"] },
                        { sourceTag: "scope:shared", onlyDependOnLibsWithTags: ["scope:shared"] }
                    ]
                }
            ]
        }
    },
    {
        files: [
            "**/*.ts",
            "**/*.tsx",
            "**/*.cts",
            "**/*.mts",
            "**/*.js",
            "**/*.jsx",
            "**/*.cjs",
            "**/*.mjs"
        ],
        // Override or add rules here
        rules: {}
    }
];

/* SPDX-License-Identifier: MIT */
/*
 * segment_actions.c - the recommended action of each cell of the ABC x
 * loyalty grid (MODELS.md 8) and the names of the actions.
 */
#include "core/internal.h"

/* Rows A, B, C; columns promoter, passive, detractor, no response. */
static const int8_t actions_plain[12] = {
    LOY_ACTION_PROTECT_LEVERAGE, LOY_ACTION_SECURE, LOY_ACTION_RESCUE,
    LOY_ACTION_REACH_OUT,
    LOY_ACTION_GROW_WALLET, LOY_ACTION_NURTURE, LOY_ACTION_RECOVER,
    LOY_ACTION_REACH_OUT,
    LOY_ACTION_CHEAP_LEVERAGE, LOY_ACTION_MAINTAIN, LOY_ACTION_LET_GO,
    LOY_ACTION_MAINTAIN,
};

/* Split grid: level 0 harvest (low potential), level 1 develop. A keeps
 * its actions: its customers matter whatever their potential. */
static const int8_t actions_split[24] = {
    LOY_ACTION_PROTECT_LEVERAGE, LOY_ACTION_SECURE, LOY_ACTION_RESCUE,
    LOY_ACTION_REACH_OUT,
    LOY_ACTION_CHEAP_LEVERAGE, LOY_ACTION_HARVEST, LOY_ACTION_RECOVER,
    LOY_ACTION_HARVEST,
    LOY_ACTION_CHEAP_LEVERAGE, LOY_ACTION_HARVEST, LOY_ACTION_LET_GO,
    LOY_ACTION_HARVEST,
    LOY_ACTION_PROTECT_LEVERAGE, LOY_ACTION_SECURE, LOY_ACTION_RESCUE,
    LOY_ACTION_REACH_OUT,
    LOY_ACTION_GROW_WALLET, LOY_ACTION_DEVELOP, LOY_ACTION_RECOVER,
    LOY_ACTION_REACH_OUT,
    LOY_ACTION_GROW_WALLET, LOY_ACTION_DEVELOP, LOY_ACTION_RECOVER,
    LOY_ACTION_DEVELOP,
};

int
loy_segment_cell_action(int32_t *action, uint32_t cell, int32_t with_potential)
{
    LOY__REQUIRE(action != NULL, LOY_EINVAL);
    LOY__REQUIRE(with_potential == 0 || with_potential == 1, LOY_EINVAL);
    if (with_potential) {
        LOY__REQUIRE(cell < 24, LOY_EINVAL);
        *action = actions_split[cell];
    } else {
        LOY__REQUIRE(cell < 12, LOY_EINVAL);
        *action = actions_plain[cell];
    }
    return LOY_OK;
}

const char *
loy_segment_action_name(int32_t action)
{
    static const char *const names[] = {
        "none", "protect_leverage", "secure", "rescue", "grow_wallet",
        "nurture", "recover", "cheap_leverage", "maintain", "let_go",
        "develop", "harvest", "reach_out",
    };
    if (action < 0 || action >= (int32_t)(sizeof names / sizeof names[0]))
        return "unknown";
    return names[action];
}
